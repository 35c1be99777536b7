"""The daily digest: at 07:30 on working days, each agency's staff get what is due today, what
is overdue, and what waits for the reporter's rating.

One outbox row per agency, day and recipient, so a second run (two beats, a retry) sends
nothing twice. The lists are a snapshot taken at 07:30, capped per section; counts are exact.
The intake centre's digest is about its own queue: reports awaiting intake.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from accounts.models import StaffMembership
from camau_portal.notifications.outbox import Recipient, queue_emails
from reports.models import Report
from reports.notifications.mail import staff_report_url
from services.calendar import current_calendar
from services.models import Department
from services.sla import WorkingCalendar

ITEMS_PER_SECTION = 20
DIGEST_ROLES = (
    StaffMembership.Role.AGENCY_OFFICER,
    StaffMembership.Role.AGENCY_MANAGER,
    StaffMembership.Role.INTAKE_OFFICER,
)


@dataclass(frozen=True)
class Section:
    count: int
    items: list[dict]


def _section(queryset, *, by_deadline: bool) -> Section:
    """The first reports of ``queryset``, by their current deadline (or, without one, by when
    they were resolved), and how many there are in all."""
    due_field = "handling_due_at" if by_deadline else None
    fields = ["tracking_code", "title", "pk"] + ([due_field] if due_field else [])
    order = due_field or "resolved_at"
    items = [
        {
            "code": report.tracking_code,
            "title": report.title,
            "due_at": getattr(report, due_field).isoformat() if due_field else None,
            "url": staff_report_url(report),
        }
        for report in queryset.order_by(order, "pk").only(*fields)[:ITEMS_PER_SECTION]
    ]
    count = len(items) if len(items) < ITEMS_PER_SECTION else queryset.count()
    return Section(count=count, items=items)


def department_digest(department: Department, *, now: datetime, day: date) -> dict:
    tz = timezone.get_default_timezone()
    end_of_day = datetime.combine(day + timedelta(days=1), time.min, tz)
    if department.kind == Department.Kind.INTAKE:
        queue = Report.objects.awaiting_intake()
        waiting = Report.objects.none()
    else:
        agency = Report.objects.filter(department=department)
        queue = agency.handling()
        waiting = agency.awaiting_rating()
    due_today = _section(queue.due_soon(now, until=end_of_day), by_deadline=True)
    overdue = _section(queue.overdue(now), by_deadline=True)
    rating = _section(waiting, by_deadline=False)
    return {
        "date": day.isoformat(),
        "due_today": due_today.items,
        "due_today_count": due_today.count,
        "overdue": overdue.items,
        "overdue_count": overdue.count,
        "waiting_rating": rating.items,
        "waiting_rating_count": rating.count,
    }


def _recipients_by_department() -> dict[int, list[Recipient]]:
    found: dict[int, dict[str, Recipient]] = {}
    rows = (
        StaffMembership.objects.filter(
            role__in=DIGEST_ROLES, user__is_active=True, department__isnull=False
        )
        .exclude(user__email="")
        .values_list("department_id", "user__email", "user__preferred_language")
        .order_by("department_id", "user_id")
    )
    for department_id, email, language in rows:
        found.setdefault(department_id, {}).setdefault(
            email.lower(), Recipient(email=email, language=language)
        )
    return {key: list(value.values()) for key, value in found.items()}


def send_daily_digests(
    *, now: datetime | None = None, calendar: WorkingCalendar | None = None
) -> int:
    """Queues today's digest for every agency with something to report. Returns the number
    of outbox rows written. Nothing on days off."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    calendar = calendar or current_calendar(today=day)
    if not calendar.is_working_day(day):
        return 0
    recipients = _recipients_by_department()
    written = 0
    departments = Department.objects.filter(is_active=True).order_by("pk")
    for department in departments:
        to = recipients.get(department.pk)
        if not to and department.email:
            to = [Recipient(email=department.email, language=settings.LANGUAGE_CODE)]
        if not to:
            continue
        digest = department_digest(department, now=now, day=day)
        if not (
            digest["due_today_count"] or digest["overdue_count"] or digest["waiting_rating_count"]
        ):
            continue
        rows = queue_emails(
            template="staff_digest",
            recipients=to,
            dedupe_prefix=f"digest:{department.pk}:{day.isoformat()}",
            context={**digest, "department_id": department.pk},
        )
        written += len(rows)
    return written
