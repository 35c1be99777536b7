"""Recomputes the running clocks of open reports after a calendar or office-hours change.

A change in admin already applies to every deadline computed after it; this command applies
it to the deadlines of reports that are open now. Extended deadlines are kept (they were set by
hand, with a reason). Safe to run twice.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from reports.deadlines.recompute import open_reports_deadlines_recompute


def _shown(moment) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M") if moment else "-"


class Command(BaseCommand):
    help = "Recompute the deadlines of open reports from the current working calendar."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report changes, save none.")
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, dry_run, batch_size, **options):
        result = open_reports_deadlines_recompute(dry_run=dry_run, batch_size=batch_size)
        if options["verbosity"] >= 2 or dry_run:
            for change in result.changes:
                self.stdout.write(
                    f"{change.tracking_code} {change.field}: {_shown(change.before)}"
                    f" -> {_shown(change.after)}"
                )
        verb = "would change" if dry_run else "changed"
        self.stdout.write(
            f"{result.checked} open reports checked, {result.changed_reports} {verb}."
        )
