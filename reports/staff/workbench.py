"""Reads of the report workbench, shaped for a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import StaffMembership
from reports.deadlines.clocks import deadline_state
from reports.models import Photo, Rating, Report, ReportEvent
from reports.permissions import visible_reports_for
from reports.workflow import OPEN_STATUSES
from services.models import ResponseTemplate


def workbench_report(user, code: str) -> Report | None:
    return (
        visible_reports_for(user)
        .select_related(
            "category",
            "commune",
            "department",
            "proposed_department",
            "assigned_to",
            "duplicate_of",
        )
        .filter(tracking_code=code)
        .first()
    )


def workbench_timeline(
    report: Report, *, show_reporter: bool
) -> tuple[list[ReportEvent], dict[str, list[Photo]]]:
    """Every event (internal ones too), each with its photos and who acted; and the photos by
    kind.

    Staff are named. A citizen who acted (the reporter, or someone who followed the report
    while signed in) is named only where the viewer may see the reporter's details
    (`StaffAccess.may_see_reporter`); otherwise the timeline says "the reporter" or "a
    citizen", so a signed-in reporter's name does not reach an agency they did not allow to
    contact them."""
    photos = list(Photo.objects.filter(report=report).order_by("position", "id"))
    by_event, by_kind = defaultdict(list), defaultdict(list)
    for photo in photos:
        by_kind[photo.kind].append(photo)
        if photo.event_id:
            by_event[photo.event_id].append(photo)
    events = list(
        ReportEvent.objects.filter(report=report)
        .select_related("actor", "department")
        .order_by("created_at", "id")
    )
    actor_ids = {event.actor_id for event in events if event.actor_id}
    staff_ids = set(
        StaffMembership.objects.filter(user_id__in=actor_ids).values_list("user_id", flat=True)
    )
    for event in events:
        event.attached_photos = by_event.get(event.pk, [])
        event.actor_label = _actor_label(event, report, staff_ids, show_reporter)
    return events, dict(by_kind)


def _actor_label(event: ReportEvent, report: Report, staff_ids: set[int], show_reporter: bool):
    actor = event.actor
    if actor is not None and (actor.pk in staff_ids or show_reporter):
        return actor.get_full_name() or actor.email
    if actor is not None and actor.pk != report.reporter_id:
        return _("a citizen")
    if actor is not None or event.kind in _REPORTER_EVENT_KINDS or event.data.get("by_reporter"):
        return _("the reporter")
    return _("the system")


# Events that only the reporter causes, also when they acted without an account.
_REPORTER_EVENT_KINDS = frozenset({"info_provided", "rated", "submitted"})


def report_ratings(report: Report) -> list[Rating]:
    return list(Rating.objects.filter(report=report).order_by("-created_at"))


def response_templates(report: Report) -> list[dict]:
    """Common answers for this agency and category (and the general ones), in the page's
    language when a translation exists."""
    rows = ResponseTemplate.objects.filter(
        Q(department__isnull=True) | Q(department_id=report.department_id),
        Q(category__isnull=True) | Q(category_id=report.category_id),
        is_active=True,
    ).order_by("title")
    english = (get_language() or "vi").startswith("en")
    return [
        {"title": row.title, "body": row.body_en if english and row.body_en else row.body_vi}
        for row in rows
    ]


@dataclass(frozen=True)
class DeadlineRow:
    label: str | Promise
    due: datetime | None
    done: datetime | None
    state: str  # on_time, late, overdue, due_soon, running, paused, stopped, none
    extended: bool = False


def deadline_rows(report: Report, *, now: datetime, soon: datetime) -> list[DeadlineRow]:
    stopped = report.status not in OPEN_STATUSES
    return [
        DeadlineRow(
            _("Intake"),
            report.intake_due_at,
            report.intake_done_at,
            deadline_state(report.intake_due_at, done=report.intake_done_at, now=now, soon=soon),
        ),
        DeadlineRow(
            _("First response"),
            report.response_due_at,
            report.first_response_at,
            deadline_state(
                report.response_due_at,
                done=report.first_response_at,
                now=now,
                soon=soon,
                stopped=stopped,
            ),
        ),
        DeadlineRow(
            _("Resolution"),
            report.resolution_due_at,
            report.resolved_at,
            deadline_state(
                report.resolution_due_at,
                done=report.resolved_at,
                now=now,
                soon=soon,
                paused=report.resolution_paused_at is not None,
                stopped=stopped,
            ),
            extended=report.resolution_extended,
        ),
    ]
