"""Applies the three clocks to a report. Called by actions inside their transaction.

Each function sets due-time fields on the report instance and returns the names of the fields
it changed, so the caller can ``save(update_fields=...)``. The working-time rules themselves
live in ``services.sla``; this module says which clock runs when, and how reminders relate.

The clocks (window = due time minus start):

=============  ===============  ==================================  ===========================
clock          starts at        runs while                          due
=============  ===============  ==================================  ===========================
intake         ``submitted_at``  status is submitted                 2 wh (12 h on a day off)
response       ``accepted_at``   accepted, in progress or waiting,   4 wh (24 h on a day off)
                                 until the first public reply
resolution     ``accepted_at``   accepted or in progress (paused     category target (urgent
                                 while waiting for the reporter)     target when urgent)
=============  ===============  ==================================  ===========================

"N working days" are N standard working days of working time (see ``services.sla``), so a
pause composes exactly: resuming adds back the working time spent waiting.

Reminders (``reports.deadlines.reminders`` runs the scan; see ``threshold_instant`` in
``services.sla``):

* 75 % of the window: the assignee, or the agency's officers when nobody is assigned (the
  intake officers for the intake clock);
* 100 % (the deadline): the agency's managers and the intake centre's officers;
* 200 % (twice the window): the provincial leaders.

Each (report, clock, threshold, deadline) is acted on once (``DeadlineReminder``). A pause
carries the marks along with the deadline it moves, so resuming never repeats a reminder; an
extension or a new target sets a new deadline and re-arms the thresholds that lie after the
last reminder of the same kind.

``Report.deadline_check_at`` is the next instant at which the scan must look at the report. The
functions here only ever move it earlier (to the first threshold of a clock they start or
move); the scan sets it to the true next threshold. A check that comes too early costs one
evaluation; one that came too late would miss a reminder.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from reports.models import DeadlineReminder, Report
from reports.workflow import HANDLING_STATUSES, RESOLUTION_CLOCK_STATUSES
from services.sla import WorkingCalendar

REMINDER_FRACTION = 0.75
Clock = DeadlineReminder.Clock
Threshold = DeadlineReminder.Threshold

ON_TIME = "on_time"
LATE_EXTENDED = "late_extended"
LATE = "late"


@dataclass(frozen=True)
class RunningClock:
    """One clock of one report that is currently counting down."""

    clock: str
    start: datetime
    due: datetime
    paused: timedelta = timedelta(0)

    def threshold_at(self, threshold: int, calendar: WorkingCalendar) -> datetime:
        return calendar.threshold_instant(self.start, self.due, threshold / 100, paused=self.paused)


def resolution_target(report: Report) -> tuple[int, str]:
    category = report.category
    if report.priority == Report.Priority.URGENT:
        return category.urgent_target, category.urgent_unit
    return category.resolution_target, category.resolution_unit


def running_clocks(report: Report) -> list[RunningClock]:
    """The clocks counting down now, from the report's status and fields."""
    status = report.status
    clocks = []
    if status == Report.Status.SUBMITTED and report.intake_due_at and report.submitted_at:
        clocks.append(RunningClock(Clock.INTAKE, report.submitted_at, report.intake_due_at))
    if (
        status in HANDLING_STATUSES
        and report.accepted_at
        and report.response_due_at
        and report.first_response_at is None
    ):
        clocks.append(RunningClock(Clock.RESPONSE, report.accepted_at, report.response_due_at))
    if (
        status in RESOLUTION_CLOCK_STATUSES
        and report.accepted_at
        and report.resolution_due_at
        and report.resolution_paused_at is None
    ):
        clocks.append(
            RunningClock(
                Clock.RESOLUTION,
                report.accepted_at,
                report.resolution_due_at,
                report.resolution_paused_total or timedelta(0),
            )
        )
    return clocks


def _check_no_later_than(report: Report, moment: datetime | None) -> list[str]:
    if moment is None:
        return []
    if report.deadline_check_at is None or moment < report.deadline_check_at:
        report.deadline_check_at = moment
    return ["deadline_check_at"]


def _first_reminder_at(clock: RunningClock, calendar: WorkingCalendar) -> datetime:
    return clock.threshold_at(Threshold.REMINDER, calendar)


def watch_deadlines(report: Report, *, calendar: WorkingCalendar) -> list[str]:
    """Makes the scan look at the report by the first threshold of every running clock.

    Call it after any change that makes a clock run again outside the functions below
    (reopening, transfer with re-acceptance); they call it themselves.
    """
    moments = [_first_reminder_at(clock, calendar) for clock in running_clocks(report)]
    return _check_no_later_than(report, min(moments, default=None))


def start_intake_clock(report: Report, *, calendar: WorkingCalendar) -> list[str]:
    report.intake_due_at = calendar.intake_deadline(report.submitted_at)
    clock = RunningClock(Clock.INTAKE, report.submitted_at, report.intake_due_at)
    return ["intake_due_at", *_check_no_later_than(report, _first_reminder_at(clock, calendar))]


def start_handling_clocks(
    report: Report, *, accepted_at: datetime, calendar: WorkingCalendar
) -> list[str]:
    """On acceptance: the first-response and resolution clocks start."""
    report.response_due_at = calendar.response_deadline(accepted_at)
    amount, unit = resolution_target(report)
    report.resolution_due_at = calendar.add_target(accepted_at, amount, unit)
    first = min(
        _first_reminder_at(
            RunningClock(Clock.RESPONSE, accepted_at, report.response_due_at), calendar
        ),
        _first_reminder_at(
            RunningClock(Clock.RESOLUTION, accepted_at, report.resolution_due_at), calendar
        ),
    )
    return ["response_due_at", "resolution_due_at", *_check_no_later_than(report, first)]


def _resolution_first_reminder(report: Report, calendar: WorkingCalendar) -> datetime | None:
    if report.accepted_at is None or report.resolution_due_at is None:
        return None
    clock = RunningClock(
        Clock.RESOLUTION,
        report.accepted_at,
        report.resolution_due_at,
        report.resolution_paused_total or timedelta(0),
    )
    return _first_reminder_at(clock, calendar)


def recompute_resolution_due(report: Report, *, calendar: WorkingCalendar) -> list[str]:
    """After a priority or calendar change: the target is re-applied from acceptance, plus the
    working time already spent waiting for the reporter. An extended deadline is an explicit
    decision with a reason and is kept."""
    if report.accepted_at is None or report.resolution_extended:
        return []
    amount, unit = resolution_target(report)
    due = calendar.add_target(report.accepted_at, amount, unit)
    if report.resolution_paused_total:
        due = calendar.add(due, report.resolution_paused_total)
    report.resolution_due_at = due
    return [
        "resolution_due_at",
        *_check_no_later_than(report, _resolution_first_reminder(report, calendar)),
    ]


def recompute_open_deadlines(report: Report, *, calendar: WorkingCalendar) -> list[str]:
    """Recomputes every running clock's due time from its start (after a calendar change)."""
    changed = []
    status = report.status
    if status == Report.Status.SUBMITTED and report.submitted_at:
        changed += start_intake_clock(report, calendar=calendar)
    if status in HANDLING_STATUSES and report.accepted_at:
        if report.first_response_at is None:
            report.response_due_at = calendar.response_deadline(report.accepted_at)
            changed.append("response_due_at")
        changed += recompute_resolution_due(report, calendar=calendar)
        changed += watch_deadlines(report, calendar=calendar)
    return list(dict.fromkeys(changed))


def pause_resolution_clock(report: Report, *, at: datetime) -> list[str]:
    report.resolution_paused_at = at
    return ["resolution_paused_at"]


def resume_resolution_clock(
    report: Report, *, at: datetime, calendar: WorkingCalendar
) -> list[str]:
    """The working time spent waiting for the reporter moves the deadline back by as much.

    Reminders already sent for the deadline move with it (the same deadline, shifted), so the
    reporter's answer never triggers a repeat of a reminder the officer already had.
    """
    if report.resolution_paused_at is None:
        return []
    waited = calendar.between(report.resolution_paused_at, at)
    report.resolution_paused_total += waited
    old_due = report.resolution_due_at
    if old_due is not None:
        report.resolution_due_at = calendar.add(old_due, waited)
        if report.pk and waited:
            DeadlineReminder.objects.filter(
                report_id=report.pk, clock=Clock.RESOLUTION, due_at=old_due
            ).update(due_at=report.resolution_due_at)
    report.resolution_paused_at = None
    return [
        "resolution_paused_at",
        "resolution_paused_total",
        "resolution_due_at",
        *_check_no_later_than(report, _resolution_first_reminder(report, calendar)),
    ]


def extend_resolution(report: Report, *, to: datetime) -> list[str]:
    """A manager's extension, with its reason recorded by the action's event. Re-arms the
    deadline reminders; the scan finds the report by its current check time or earlier."""
    report.resolution_due_at = to
    report.resolution_extended = True
    # Without the calendar here, the next scan works out the new thresholds.
    return [
        "resolution_due_at",
        "resolution_extended",
        *_check_no_later_than(report, timezone.now()),
    ]


def deadline_state(
    due: datetime | None,
    *,
    now: datetime,
    soon: datetime,
    done: datetime | None = None,
    paused: bool = False,
    stopped: bool = False,
) -> str:
    """How one deadline stands, as the dashboard shows it: "none" without a deadline; once
    done, "on_time" or "late"; "stopped" or "paused" while it does not run; otherwise
    "overdue" once passed and "due_soon" before ``soon`` (for one report in memory, the rules
    of ``Report.objects.overdue`` and ``due_soon``), else "running"."""
    if due is None:
        return "none"
    if done is not None:
        return "on_time" if done <= due else "late"
    if stopped:
        return "stopped"
    if paused:
        return "paused"
    if due < now:
        return "overdue"
    if due < soon:
        return "due_soon"
    return "running"


def deadline_outcome(
    done_at: datetime,
    due_at: datetime | None,
    extended: bool,
    *,
    original_due_at: datetime | None = None,
) -> str:
    """Classifies a finished clock for statistics: "on_time", "late_extended" or "late".

    Done by the deadline in force is on time, unless that deadline was an extension, which
    counts as late with an approved extension (on time if ``original_due_at``, when known,
    was met as well). Past the deadline in force is late. No deadline at all is on time.
    """
    if due_at is None or (done_at <= due_at and not extended):
        return ON_TIME
    if done_at <= due_at:
        if original_due_at is not None and done_at <= original_due_at:
            return ON_TIME
        return LATE_EXTENDED
    return LATE
