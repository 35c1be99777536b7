from django.core.management.base import BaseCommand

from reports.models import ApiKey


class Command(BaseCommand):
    help = "Issues an Open311 API key and prints it (it is stored only as a hash)."

    def add_arguments(self, parser):
        parser.add_argument("name", help="who the key is for, e.g. the partner system's name")
        parser.add_argument("--email", default="", help="contact address of the key's owner")
        parser.add_argument(
            "--per-hour", type=int, default=None, help="new reports allowed per hour"
        )

    def handle(self, *args, name, email, per_hour, **options):
        api_key, raw_key = ApiKey.objects.issue(
            name=name, contact_email=email, requests_per_hour=per_hour
        )
        self.stderr.write(
            f"Issued key {api_key.prefix}… for {api_key.name} "
            f"({api_key.requests_per_hour} new reports per hour). It will not be shown again."
        )
        self.stdout.write(raw_key)
