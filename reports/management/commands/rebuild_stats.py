from django.core.management.base import BaseCommand

from reports.stats.refresh import rebuild_all, refresh_rollups


class Command(BaseCommand):
    help = (
        "Rebuilds the statistics rollup and the public map cells from the reports "
        "(idempotent). With --refresh, only catches up with changes since the last run."
    )

    def add_arguments(self, parser):
        parser.add_argument("--refresh", action="store_true", help="incremental catch-up only")

    def handle(self, *args, refresh=False, **options):
        result = refresh_rollups() if refresh else rebuild_all()
        if result.rebuilt:
            self.stdout.write(f"Rebuilt statistics and map cells for {result.reports} reports.")
        else:
            self.stdout.write(
                f"Refreshed {result.days} days and {result.map_units} map areas "
                f"for {result.reports} changed reports."
            )
