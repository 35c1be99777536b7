from django.core.management.base import BaseCommand

from services.reference_data import load_reference_data


class Command(BaseCommand):
    help = "Load communes, agencies, categories and the working calendar (idempotent)."

    def handle(self, *args, **options):
        result = load_reference_data()
        if not result.changed_anything:
            self.stdout.write("Reference data already up to date.")
            return
        for label, counts in (("created", result.created), ("updated", result.updated)):
            for model_name, count in sorted(counts.items()):
                self.stdout.write(f"{label}: {count} {model_name}")
