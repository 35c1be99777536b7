"""Recomputes the running clocks of open reports after a calendar or office-hours change.

A change in admin already applies to every deadline computed after it; this command applies
it to the deadlines of reports that are open now. Extended deadlines are kept (they were set by
hand, with a reason). Safe to run twice.
"""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from reports.deadlines import recompute_open_deadlines
from reports.models import Report
from reports.workflow import OPEN_STATUSES
from services.calendar import current_calendar


def _shown(moment) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M") if moment else "-"


DUE_FIELDS = ("intake_due_at", "response_due_at", "resolution_due_at", "deadline_check_at")


class Command(BaseCommand):
    help = "Recompute the deadlines of open reports from the current working calendar."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report changes, save none.")
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, dry_run, batch_size, **options):
        calendar = current_calendar()
        ids = list(
            Report.objects.filter(status__in=OPEN_STATUSES)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        changed = 0
        for start in range(0, len(ids), batch_size):
            with transaction.atomic():
                batch = (
                    Report.objects.select_for_update(of=("self",))
                    .select_related("category")
                    .filter(pk__in=ids[start : start + batch_size], status__in=OPEN_STATUSES)
                )
                updated = []
                for report in batch:
                    before = {name: getattr(report, name) for name in DUE_FIELDS}
                    recompute_open_deadlines(report, calendar=calendar)
                    moved = [n for n in DUE_FIELDS[:3] if getattr(report, n) != before[n]]
                    if moved:
                        updated.append(report)
                        if options["verbosity"] >= 2 or dry_run:
                            for name in moved:
                                self.stdout.write(
                                    f"{report.tracking_code} {name}: {_shown(before[name])}"
                                    f" -> {_shown(getattr(report, name))}"
                                )
                if updated and not dry_run:
                    Report.objects.bulk_update(updated, DUE_FIELDS)
                changed += len(updated)
        verb = "would change" if dry_run else "changed"
        self.stdout.write(f"{len(ids)} open reports checked, {changed} {verb}.")
