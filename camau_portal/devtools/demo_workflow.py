"""Moves a demo report along the status machine through the real actions, at believable
moments in the past (the clock is moved with time-machine), so deadlines, timelines, statistics
and reminders look like a real month of work."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

import time_machine

from accounts.models import StaffMembership
from camau_portal.devtools.demo_accounts import demo_officer_for
from reports.handling import actions as handling
from reports.models import Report
from reports.private_link import private_token
from services.models import Category

# Target statuses with their share of the demo: every status appears, most work is done.
STATUS_WEIGHTS = [
    (Report.Status.SUBMITTED, 6),
    (Report.Status.ACCEPTED, 6),
    (Report.Status.IN_PROGRESS, 14),
    (Report.Status.WAITING_INFO, 4),
    (Report.Status.RESOLVED, 24),
    (Report.Status.CLOSED, 36),
    (Report.Status.REJECTED, 5),
    (Report.Status.DUPLICATE, 5),
]
OPEN_TARGETS = {
    Report.Status.SUBMITTED,
    Report.Status.ACCEPTED,
    Report.Status.IN_PROGRESS,
    Report.Status.WAITING_INFO,
}
# A healthy province: a believable few reports miss a deadline, not half of them.
LATE_SHARE = 0.08
# How long ago a report still at this status was received, in hours: recent enough for its
# current deadline not to have passed (unless it is one of the late few).
RECEIVED_HOURS_AGO = {
    Report.Status.SUBMITTED: (0.2, 1.5),
    Report.Status.ACCEPTED: (0.5, 2.5),
    Report.Status.IN_PROGRESS: (3, 48),
    Report.Status.WAITING_INFO: (3, 72),
}
# ... and for the late few, long enough for it to have passed.
LATE_RECEIVED_HOURS_AGO = {
    Report.Status.SUBMITTED: (8, 30),
    Report.Status.ACCEPTED: (10, 48),
    Report.Status.IN_PROGRESS: (20 * 24, 30 * 24),
    Report.Status.WAITING_INFO: (20 * 24, 30 * 24),
}
HISTORY_DAYS = 45
# Reporters' ratings: mostly satisfied, some lukewarm, a few not; late work rates worse.
RATING_WEIGHTS = {"satisfied": 62, "acceptable": 26, "not_satisfied": 12}
LATE_RATING_WEIGHTS = {"satisfied": 20, "acceptable": 40, "not_satisfied": 40}
RATED_SHARE = 0.7

RECHECKED = "Đơn vị đã kiểm tra lại hiện trường và khắc phục dứt điểm."
ANSWERS = [
    "Đơn vị đã cử người kiểm tra hiện trường và khắc phục xong.",
    "Đã phối hợp với đơn vị thi công sửa chữa; đề nghị người dân giám sát.",
    "Đã xử lý theo quy định và nhắc nhở các hộ liên quan.",
]


@dataclass(frozen=True)
class DemoPlan:
    """Where one demo report ends up and whether it is one of the late few."""

    target: str
    late: bool

    def received_at(self, now: datetime, rng: random.Random, *, category: Category) -> datetime:
        if self.target in OPEN_TARGETS:
            hours_ago = LATE_RECEIVED_HOURS_AGO if self.late else RECEIVED_HOURS_AGO
            low, high = hours_ago[self.target]
            if not self.late and _resolved_within_hours(category):
                low, high = RECEIVED_HOURS_AGO[Report.Status.ACCEPTED]
            return now - timedelta(hours=rng.uniform(low, high))
        # Finished work spread over the last weeks, with a few days to run its course.
        return now - timedelta(days=rng.uniform(2, HISTORY_DAYS))


def _resolved_within_hours(category: Category) -> bool:
    """Noise, power hazards, erosion…: the target is a few working hours (or urgent ones are)."""
    hours = Category.TargetUnit.WORKING_HOURS
    return category.resolution_unit == hours or (
        category.urgent_default and category.urgent_unit == hours
    )


def pick_demo_plan(rng: random.Random, *, left: int) -> DemoPlan:
    """``left``: how many reports are still to come after this one. The last few take each
    status once, so that even a small demo shows every status (duplicates last: they need an
    earlier report to point to)."""
    statuses, weights = zip(*STATUS_WEIGHTS, strict=True)
    if left < len(statuses):
        target = statuses[len(statuses) - 1 - left]
    else:
        target = rng.choices(statuses, weights=weights)[0]
    return DemoPlan(target=target, late=rng.random() < LATE_SHARE)


def _staff(role: str, department_id: int | None = None):
    memberships = StaffMembership.objects.filter(role=role).select_related("user")
    if department_id is not None:
        memberships = memberships.filter(department_id=department_id)
    membership = memberships.first()
    return membership.user if membership else None


def _at(moment: datetime, now: datetime):
    return time_machine.travel(min(moment, now - timedelta(minutes=1)), tick=False)


def _within(start: datetime, due: datetime | None, rng: random.Random, *, late: bool) -> datetime:
    """A moment inside the window from ``start`` to its deadline ``due``; past it when late."""
    if due is None:
        return start + timedelta(hours=rng.uniform(1, 8))
    if late:
        return due + timedelta(hours=rng.uniform(2, 96))
    return start + (due - start) * rng.uniform(0.15, 0.75)


def _rating(rng: random.Random, *, late: bool) -> str:
    weights = LATE_RATING_WEIGHTS if late else RATING_WEIGHTS
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def advance_demo_report(
    report: Report, plan: DemoPlan, *, rng: random.Random, now: datetime
) -> Report:
    """Takes a just-submitted demo report to the plan's status, each step inside its deadline
    (past it for a late plan); stops early where a step would fall in the future."""
    S = Report.Status
    target, late = plan.target, plan.late
    intake = _staff(StaffMembership.Role.INTAKE_OFFICER)
    if target == S.SUBMITTED or intake is None:
        return report
    # The late few are late at their last step; earlier steps keep to their deadlines.
    moment = _within(
        report.submitted_at, report.intake_due_at, rng, late=late and target == S.ACCEPTED
    )
    if moment >= now:
        return report
    with _at(moment, now):
        if target == S.REJECTED:
            return handling.report_reject(
                report=report,
                acting_user=intake,
                reason="Nội dung không thuộc phạm vi phản ánh hiện trường.",
            )
        if target == S.DUPLICATE:
            original = (
                Report.objects.filter(
                    category=report.category, published_at__isnull=False, submitted_at__lt=moment
                )
                .exclude(pk=report.pk)
                .first()
            )
            if original is not None:
                return handling.report_mark_duplicate(
                    report=report, acting_user=intake, original=original
                )
        report = handling.report_accept(report=report, acting_user=intake)
    if target == S.ACCEPTED:
        return report

    handler = _staff(StaffMembership.Role.AGENCY_OFFICER, report.department_id) or _staff(
        StaffMembership.Role.AGENCY_MANAGER, report.department_id
    )
    if handler is None:
        handler = demo_officer_for(report.department)
    moment = _within(moment, report.response_due_at, rng, late=False)
    if moment >= now:
        return report
    with _at(moment, now):
        report = handling.report_start(report=report, acting_user=handler)
        handling.report_post_update(
            report=report,
            acting_user=handler,
            message="Đơn vị đã tiếp nhận và đang kiểm tra hiện trường.",
        )
    if target == S.IN_PROGRESS:
        return report
    if target == S.WAITING_INFO:
        with _at(moment + timedelta(minutes=rng.randint(30, 120)), now):
            return handling.report_request_info(
                report=report,
                acting_user=handler,
                question="Đề nghị cho biết vị trí chính xác (số nhà gần nhất).",
            )

    moment = _within(moment, report.resolution_due_at, rng, late=late)
    if moment >= now:
        return report
    with _at(moment, now):
        report = handling.report_resolve(
            report=report, acting_user=handler, answer=rng.choice(ANSWERS)
        )
    if rng.random() < RATED_SHARE:
        rated_at = moment + timedelta(hours=rng.randint(2, 48))
        if rated_at < now:
            with _at(rated_at, now):
                handling.report_rate(
                    report=report,
                    token=private_token(report.tracking_code),
                    value=_rating(rng, late=late),
                )
            moment = rated_at
    report = Report.objects.get(pk=report.pk)
    if report.status == S.IN_PROGRESS:
        # A poor rating reopened it: the agency goes back and finishes the job in time.
        moment = _within(moment, report.resolution_due_at, rng, late=False)
        if moment >= now:
            return report
        with _at(moment, now):
            report = handling.report_resolve(report=report, acting_user=handler, answer=RECHECKED)
    if target == S.CLOSED and report.status == S.RESOLVED:
        moment += timedelta(days=7, hours=1)
        if moment < now:
            with _at(moment, now):
                report = handling.report_close(report=report)
    return report
