import random

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from camau_portal.devtools.demo import create_demo_response_templates, seed_demo_reports
from camau_portal.devtools.demo_accounts import DEMO_PASSWORD, create_demo_accounts
from reports.models import Report
from reports.stats.refresh import rebuild_all


class Command(BaseCommand):
    help = "Create demo staff accounts (one per role) and a realistic spread of demo reports."

    def add_arguments(self, parser):
        parser.add_argument("--reports", type=int, default=120)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if there are reports already."
        )

    def handle(self, *args, reports, seed, if_empty, **options):
        if settings.IS_PRODUCTION:
            raise CommandError("Demo data is never created in production.")
        accounts = create_demo_accounts()
        self.stdout.write(f"Demo accounts (password: {DEMO_PASSWORD}):")
        for account, _user in accounts:
            role = account.role or ("administrator" if account.superuser else "citizen")
            place = account.department_code or account.commune_name
            where = f" · {place}" if place else ""
            self.stdout.write(f"  {account.email:<28} {role}{where}")
        create_demo_response_templates()
        if if_empty and Report.objects.exists():
            self.stdout.write("Reports exist already: no demo reports added.")
            return
        rng = random.Random(seed)
        created = seed_demo_reports(count=reports, rng=rng)
        self.stdout.write(f"Created {len(created)} demo reports.")
        # The statistics pages and the map show the demo from the first visit.
        rebuild_all()
        self.stdout.write("Statistics and map built.")
