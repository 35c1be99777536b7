"""Reads for the Open311 API, shaped so a page of requests is a single query and a page of
updates two."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from django.db.models import OuterRef, Subquery

from reports.models import Photo, Report, ReportEvent
from reports.models.querysets import public_condition
from reports.pagination import Page, SortOrder, cursor_at, keyset_page
from reports.public.map import BBox
from reports.workflow import status_when_posted
from services.collation import VietnameseCollate
from services.models import Category

# Requests newest first; updates oldest first (a feed read from where the client left off).
REQUEST_ORDER = SortOrder("submitted_at", descending=True)
UPDATE_ORDER = SortOrder("created_at")

REQUEST_FIELDS = (
    "id",
    "tracking_code",
    "title",
    "description",
    "status",
    "address",
    "latitude",
    "longitude",
    "submitted_at",
    "published_at",
    "resolution_due_at",
    "public_reason",
    "is_hidden",
    "category__code",
    "category__name_vi",
    "category__name_en",
    "department__name_vi",
    "department__name_en",
    "duplicate_of__tracking_code",
)


def _latest_public_event():
    return ReportEvent.objects.filter(report=OuterRef("pk"), is_public=True).order_by(
        "-created_at", "-id"
    )


def with_public_details(queryset):
    """Adds the last public message, the time of the last public change and the first
    visible photo to each report, as correlated subqueries (one query in all)."""
    return (
        queryset.select_related("category", "department", "duplicate_of")
        .only(*REQUEST_FIELDS)
        .annotate(
            last_public_note=Subquery(
                _latest_public_event().exclude(public_message="").values("public_message")[:1]
            ),
            last_public_change=Subquery(_latest_public_event().values("created_at")[:1]),
            first_photo=Subquery(
                Photo.objects.filter(report=OuterRef("pk"), is_hidden=False)
                .order_by("position", "id")
                .values("image")[:1]
            ),
        )
    )


def public_requests():
    return with_public_details(Report.objects.public())


def _code_cursor(row, backwards: bool) -> str:
    return row.tracking_code


def requests_page(
    *,
    service_codes: Iterable[str] = (),
    status_groups: Iterable[str] = (),
    start: datetime | None = None,
    end: datetime | None = None,
    updated_after: datetime | None = None,
    bbox: BBox | None = None,
    size: int,
    after: str | None = None,
    skip: int = 0,
) -> Page:
    """One page of public requests, newest first, after the request ``after`` (a tracking
    code; unknown: from the start) or ``skip`` requests from the start. The next page's cursor
    is a tracking code. Two queries with ``after``, one without."""
    reports = public_requests()
    if service_codes:
        reports = reports.filter(category__code__in=list(service_codes))
    if status_groups:
        reports = reports.in_status_groups(*status_groups)
    if start:
        reports = reports.filter(submitted_at__gte=start)
    if end:
        reports = reports.filter(submitted_at__lte=end)
    if updated_after:
        reports = reports.filter(
            id__in=ReportEvent.objects.filter(is_public=True, created_at__gt=updated_after).values(
                "report_id"
            )
        )
    if bbox:
        reports = reports.filter(bbox.q())
    cursor = cursor_at(Report.objects.public(), order=REQUEST_ORDER, tracking_code=after)
    return keyset_page(
        reports, order=REQUEST_ORDER, size=size, cursor=cursor, skip=skip, write_cursor=_code_cursor
    )


def requests_by_code(codes: list[str]) -> list[Report]:
    """Reports looked up by id: public ones in full, not-yet-public ones too (the caller shows
    them with minimal fields). Reports hidden by moderation are never found."""
    reports = with_public_details(Report.objects.filter(tracking_code__in=codes, is_hidden=False))
    by_code = {report.tracking_code: report for report in reports}
    return [by_code[code] for code in codes if code in by_code]


def _public_events(*, start, end):
    """Public events of public reports in ``[start, end]``."""
    return (
        ReportEvent.objects.filter(
            public_condition(through="report"),
            is_public=True,
            created_at__gte=start,
            created_at__lte=end,
        )
        .select_related("report")
        .only(
            "id",
            "kind",
            "created_at",
            "to_status",
            "public_message",
            "report__tracking_code",
            "report__status",
        )
        .annotate(
            first_photo=Subquery(
                Photo.objects.filter(event=OuterRef("pk"), is_hidden=False)
                .order_by("position", "id")
                .values("image")[:1]
            )
        )
    )


def _with_status_when_posted(events: list[ReportEvent]) -> list[ReportEvent]:
    """Sets ``status_then`` on each event: the status its report had when it was posted (one
    query for the status changes of the page's reports; see ``workflow.status_when_posted``).
    A report without a recorded status change falls back to its current status."""
    if not events:
        return events
    changes = defaultdict(list)
    for change in (
        ReportEvent.objects.filter(
            report_id__in={event.report_id for event in events},
            created_at__lte=max(event.created_at for event in events),
        )
        .exclude(to_status="")
        .only("id", "report_id", "created_at", "to_status")
    ):
        changes[change.report_id].append(change)
    for event in events:
        event.status_then = (
            status_when_posted(changes[event.report_id], event) or event.report.status
        )
    return events


def public_updates(*, start, end, size: int, skip: int = 0) -> list[ReportEvent]:
    """Public events of public reports in ``[start, end]``, oldest first, from the ``skip``-th
    on, each with the status its report had then (``status_then``). Two queries."""
    page = keyset_page(
        _public_events(start=start, end=end), order=UPDATE_ORDER, size=size, skip=skip
    )
    return _with_status_when_posted(page.rows)


def active_services() -> list[Category]:
    return list(Category.objects.filter(is_active=True).order_by(VietnameseCollate("name_vi")))


def active_service(code: str) -> Category | None:
    return Category.objects.filter(code=code, is_active=True).first()
