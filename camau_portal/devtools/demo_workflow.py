"""Moves a demo report along the status machine through the real actions, at believable
moments in the past (the clock is moved with time-machine), so deadlines, timelines, statistics
and reminders look like a real month of work."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import time_machine

from accounts.models import StaffMembership
from camau_portal.devtools.demo_accounts import demo_officer_for
from reports.handling import actions as handling
from reports.models import Report
from reports.private_link import private_token

# Target statuses with their share of the demo.
STATUS_WEIGHTS = [
    (Report.Status.SUBMITTED, 12),
    (Report.Status.ACCEPTED, 12),
    (Report.Status.IN_PROGRESS, 18),
    (Report.Status.WAITING_INFO, 6),
    (Report.Status.RESOLVED, 22),
    (Report.Status.CLOSED, 20),
    (Report.Status.REJECTED, 5),
    (Report.Status.DUPLICATE, 5),
]

ANSWERS = [
    "Đơn vị đã cử người kiểm tra hiện trường và khắc phục xong.",
    "Đã phối hợp với đơn vị thi công sửa chữa; đề nghị người dân giám sát.",
    "Đã xử lý theo quy định và nhắc nhở các hộ liên quan.",
]


def pick_demo_status(rng: random.Random) -> str:
    statuses, weights = zip(*STATUS_WEIGHTS, strict=True)
    return rng.choices(statuses, weights=weights)[0]


def _staff(role: str, department_id: int | None = None):
    memberships = StaffMembership.objects.filter(role=role).select_related("user")
    if department_id is not None:
        memberships = memberships.filter(department_id=department_id)
    membership = memberships.first()
    return membership.user if membership else None


def _at(moment: datetime, now: datetime):
    return time_machine.travel(min(moment, now - timedelta(minutes=1)), tick=False)


def advance_demo_report(
    report: Report, target: str, *, rng: random.Random, now: datetime
) -> Report:
    """Takes a just-submitted demo report to ``target``; stops early if the moment would be
    in the future (a report submitted an hour ago cannot be closed yet)."""
    S = Report.Status
    intake = _staff(StaffMembership.Role.INTAKE_OFFICER)
    if target == S.SUBMITTED or intake is None:
        return report
    moment = report.submitted_at + timedelta(minutes=rng.randint(20, 300))
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
    moment += timedelta(hours=rng.randint(1, 30))
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
        with _at(moment + timedelta(hours=2), now):
            return handling.report_request_info(
                report=report,
                acting_user=handler,
                question="Đề nghị cho biết vị trí chính xác (số nhà gần nhất).",
            )

    moment += timedelta(days=rng.randint(1, 12), hours=rng.randint(0, 8))
    if moment >= now:
        return report
    with _at(moment, now):
        report = handling.report_resolve(
            report=report, acting_user=handler, answer=rng.choice(ANSWERS)
        )
    if rng.random() < 0.6:
        with _at(moment + timedelta(hours=rng.randint(2, 48)), now):
            handling.report_rate(
                report=report,
                token=private_token(report.tracking_code),
                value=rng.choice(["satisfied", "satisfied", "acceptable"]),
            )
    if target == S.CLOSED:
        moment += timedelta(days=7, hours=1)
        if moment < now:
            with _at(moment, now):
                report = handling.report_close(report=Report.objects.get(pk=report.pk))
    return report
