from django.core.management.base import BaseCommand

from reports.tallies import tallies_rebuild


class Command(BaseCommand):
    help = (
        "Recounts the report tallies behind the home page's headline and the dashboard's queue "
        "counts, and the reports awaiting a rating, from the reports themselves (idempotent)."
    )

    def handle(self, *args, **options):
        rows = tallies_rebuild()
        self.stdout.write(f"Rebuilt {rows} report tallies.")
