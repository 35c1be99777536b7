"""The deadline scan: reminders at 75 % of a window, escalation at the deadline, alerts at 200 %.

Celery beat runs ``scan_deadlines`` every few minutes. It reads only the reports whose
``deadline_check_at`` has come (a range scan of a partial index), never the whole table and
never one delayed task per report, so its cost depends on the work due, not on how many
reports exist. For each, it works out which thresholds of the running clocks have been
crossed (``reports.deadlines.clocks``), records each in ``DeadlineReminder`` (unique per report,
clock, threshold and deadline), writes the staff emails to the outbox in the same transaction,
and moves ``deadline_check_at`` to the next threshold. Two scans at once cannot both act on a
report: rows are locked with SKIP LOCKED, and the unique reminder row is the last word.

When a scan finds several thresholds of one clock crossed at once (beat was down), only the
highest is emailed; the lower ones are recorded as handled.

Who is told (see the table in ``reports.deadlines.clocks``): 75 % the assignee, else the agency's
officers (intake officers for the intake clock); 100 % the agency's managers and the intake
officers; 200 % the provincial leaders. An agency with nobody registered is written to at its
contact address.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import StaffMembership
from camau_portal.notifications.outbox import Recipient, queue_emails
from reports.deadlines.clocks import RunningClock, running_clocks, watch_deadlines
from reports.models import DeadlineReminder, Report
from services.calendar import current_calendar
from services.models import Department
from services.sla import WorkingCalendar

logger = logging.getLogger(__name__)

Clock = DeadlineReminder.Clock
Threshold = DeadlineReminder.Threshold
Role = StaffMembership.Role
THRESHOLDS = (Threshold.REMINDER, Threshold.DEADLINE, Threshold.DOUBLE)
TEMPLATES = {
    Threshold.REMINDER: "staff_reminder",
    Threshold.DEADLINE: "staff_escalation",
    Threshold.DOUBLE: "staff_leader_alert",
}
# A scan stops after this many reports; the rest wait for the next scan five minutes later.
MAX_REPORTS_PER_SCAN = 20_000


@dataclass
class ScanResult:
    reports: int = 0
    reminders: int = 0
    emails: int = 0
    by_threshold: dict = field(default_factory=lambda: defaultdict(int))

    def as_dict(self) -> dict:
        return {
            "reports": self.reports,
            "reminders": self.reminders,
            "emails": self.emails,
            "by_threshold": dict(self.by_threshold),
        }


class StaffDirectory:
    """Staff recipients by role and agency, read once per scan."""

    def __init__(self):
        self._cache: dict[tuple, list[Recipient]] = {}

    def members(self, *roles: str, department_id: int | None = None, intake=False):
        key = (roles, department_id, intake)
        if key not in self._cache:
            memberships = StaffMembership.objects.filter(
                role__in=roles, user__is_active=True
            ).exclude(user__email="")
            if department_id is not None:
                memberships = memberships.filter(department_id=department_id)
            if intake:
                memberships = memberships.filter(department__kind=Department.Kind.INTAKE)
            self._cache[key] = [
                Recipient(email=email, language=language)
                for email, language in memberships.order_by("user_id").values_list(
                    "user__email", "user__preferred_language"
                )
            ]
        return self._cache[key]

    def recipients(self, report: Report, clock: str, threshold: int) -> list[Recipient]:
        intake_clock = clock == Clock.INTAKE
        department = None if intake_clock else report.department
        if threshold == Threshold.REMINDER:
            if intake_clock:
                found = self.members(Role.INTAKE_OFFICER)
            elif report.assigned_to_id and report.assigned_to.is_active:
                user = report.assigned_to
                found = [Recipient(email=user.email, language=user.preferred_language)]
            else:
                found = self.members(Role.AGENCY_OFFICER, department_id=report.department_id)
                found = found or self.members(
                    Role.AGENCY_MANAGER, department_id=report.department_id
                )
        elif threshold == Threshold.DEADLINE:
            if intake_clock:
                managers = self.members(Role.AGENCY_MANAGER, intake=True)
            else:
                managers = self.members(Role.AGENCY_MANAGER, department_id=report.department_id)
            found = [*managers, *self.members(Role.INTAKE_OFFICER)]
        else:
            found = self.members(Role.LEADER)
        if not found and department is not None and department.email:
            found = [Recipient(email=department.email, language=settings.LANGUAGE_CODE)]
        unique = {}
        for recipient in found:
            unique.setdefault(recipient.email.lower(), recipient)
        return list(unique.values())


def _already_acted_on(
    rows: list[DeadlineReminder], clock: RunningClock, threshold: int, at: datetime
) -> bool:
    """A threshold was acted on for this deadline, or a reminder of the same kind went out
    after the instant this deadline's threshold falls on (an extension does not repeat it)."""
    return any(
        row.clock == clock.clock
        and row.threshold == threshold
        and (row.due_at == clock.due or row.created_at >= at)
        for row in rows
    )


@dataclass
class _Scan:
    """What one scan shares across the reports it looks at."""

    now: datetime
    calendar: WorkingCalendar
    directory: StaffDirectory
    result: ScanResult
    enqueue: bool


def evaluate_report(report: Report, *, acted_on: list[DeadlineReminder], scan: _Scan):
    """Acts on the crossed thresholds of one locked report; returns its next check time."""
    next_check = None
    for clock in running_clocks(report):
        crossed = []
        for threshold in THRESHOLDS:
            at = clock.threshold_at(threshold, scan.calendar)
            if _already_acted_on(acted_on, clock, threshold, at):
                continue
            if at <= scan.now:
                crossed.append(threshold)
            else:
                next_check = at if next_check is None else min(next_check, at)
                break  # later thresholds of this clock come later still
        for threshold in crossed:
            _act_on(report, clock, threshold, notify=threshold == crossed[-1], scan=scan)
    if next_check is not None and next_check <= scan.now:  # defensive: never loop on a report
        next_check = scan.now + timedelta(minutes=1)
    return next_check


def _act_on(report: Report, clock: RunningClock, threshold: int, *, notify: bool, scan: _Scan):
    try:
        with transaction.atomic():
            reminder = DeadlineReminder.objects.create(
                report=report,
                clock=clock.clock,
                threshold=threshold,
                due_at=clock.due,
                created_at=scan.now,
            )
    except IntegrityError:
        return  # another scan got there first
    scan.result.reminders += 1
    scan.result.by_threshold[f"{clock.clock}:{int(threshold)}"] += 1
    if not notify:
        return
    recipients = scan.directory.recipients(report, clock.clock, threshold)
    if not recipients:
        logger.warning(
            "No recipient for the %s%% %s threshold of %s", threshold, clock.clock, report
        )
        return
    rows = queue_emails(
        template=TEMPLATES[threshold],
        recipients=recipients,
        dedupe_prefix=f"reminder:{reminder.pk}",
        report_id=report.pk,
        context={
            "clock": clock.clock,
            "threshold": int(threshold),
            "due_at": clock.due.isoformat(),
            "start_at": clock.start.isoformat(),
        },
        enqueue=scan.enqueue,
    )
    scan.result.emails += len(rows)


def scan_deadlines(
    *,
    now: datetime | None = None,
    calendar: WorkingCalendar | None = None,
    batch_size: int = 200,
    limit: int = MAX_REPORTS_PER_SCAN,
    enqueue: bool = True,
) -> ScanResult:
    """One pass over the reports whose next deadline check has come. Idempotent.

    ``enqueue=False`` writes the emails to the outbox without queueing them (the outbox scan
    sends them later); the benchmark uses it to time the scan alone."""
    scan = _Scan(
        now=now or timezone.now(),
        calendar=calendar or current_calendar(),
        directory=StaffDirectory(),
        result=ScanResult(),
        enqueue=enqueue,
    )
    result = scan.result
    while result.reports < limit:
        with transaction.atomic():
            batch = list(
                Report.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(deadline_check_at__lte=scan.now)
                .select_related("category", "department", "assigned_to")
                .order_by("deadline_check_at")[: min(batch_size, limit - result.reports)]
            )
            if not batch:
                break
            acted_on = defaultdict(list)
            for row in DeadlineReminder.objects.filter(report__in=batch):
                acted_on[row.report_id].append(row)
            for report in batch:
                report.deadline_check_at = evaluate_report(
                    report, acted_on=acted_on[report.pk], scan=scan
                )
            Report.objects.bulk_update(batch, ["deadline_check_at"])
            result.reports += len(batch)
    return result


def reconcile_deadline_checks(*, calendar: WorkingCalendar | None = None) -> int:
    """Daily safety net: open reports with a running clock but no check time (a clock restarted
    by a path that did not call ``watch_deadlines``) get one. Returns how many were fixed."""
    calendar = calendar or current_calendar()
    fixed = 0
    candidates = (
        Report.objects.open()
        .filter(deadline_check_at__isnull=True)
        .select_related("category")
        .order_by("pk")
    )
    for report in candidates.iterator(chunk_size=1000):
        if watch_deadlines(report, calendar=calendar):
            Report.objects.filter(pk=report.pk, deadline_check_at__isnull=True).update(
                deadline_check_at=report.deadline_check_at
            )
            fixed += 1
    return fixed
