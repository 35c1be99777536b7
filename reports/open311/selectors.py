"""Reads for the Open311 API, shaped so a page of requests is three queries (the rows, then
their public events and photos together) and a page of updates two."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from django.db.models import OuterRef, Q, Subquery

from reports.models import Photo, Report, ReportEvent
from reports.models.querysets import public_condition
from reports.pagination import Page, SortOrder, cursor_at, keyset_page
from reports.public.map import BBox
from reports.workflow import DISMISSED_STATUSES, status_when_posted
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


def with_public_details(queryset):
    """The request fields, with the catalogue rows joined (one query). The last public message,
    the time of the last public change and the first visible photo come after, for the rows
    read: ``attach_public_details``."""
    return queryset.select_related("category", "department", "duplicate_of").only(*REQUEST_FIELDS)


def attach_public_details(reports: list[Report]) -> list[Report]:
    """Sets ``last_public_note``, ``last_public_change`` and ``first_photo`` (the image name)
    on each report, in two queries for the whole page: a correlated subquery per record cost
    three index probes per row, a thousand rows a page."""
    by_id = {report.pk: report for report in reports}
    for report in reports:
        report.last_public_note = report.last_public_change = report.first_photo = None
    if not by_id:
        return reports
    events = (
        ReportEvent.objects.filter(report_id__in=list(by_id), is_public=True)
        .order_by("report_id", "-created_at", "-id")
        .values_list("report_id", "created_at", "public_message")
    )
    for report_id, created_at, message in events:
        report = by_id[report_id]
        if report.last_public_change is None:
            report.last_public_change = created_at
        if message and report.last_public_note is None:
            report.last_public_note = message
    photos = (
        Photo.objects.shown_publicly()
        .filter(report_id__in=list(by_id))
        .order_by("report_id", "position", "id")
        .values_list("report_id", "image")
    )
    for report_id, image in photos:
        if by_id[report_id].first_photo is None:
            by_id[report_id].first_photo = image
    return reports


def public_requests():
    return with_public_details(Report.objects.public())


def _code_cursor(row, backwards: bool) -> str:
    return row.tracking_code


def _changed_publicly(*, after: datetime | None, before: datetime | None):
    """Reports with a public event (publication, a status change, a public message) after
    ``after`` and at or before ``before``: what a client polling by window has not seen yet,
    however long ago the report was submitted."""
    # The submission is no public change: the public sees a report from its acceptance on.
    events = ReportEvent.objects.filter(is_public=True).exclude(kind=ReportEvent.Kind.SUBMITTED)
    if after:
        events = events.filter(created_at__gt=after)
    if before:
        events = events.filter(created_at__lte=before)
    return events.values("report_id")


def requests_page(
    *,
    service_codes: Iterable[str] = (),
    status_groups: Iterable[str] = (),
    start: datetime | None = None,
    end: datetime | None = None,
    updated_after: datetime | None = None,
    updated_before: datetime | None = None,
    bbox: BBox | None = None,
    size: int,
    after: str | None = None,
    skip: int = 0,
) -> Page:
    """One page of public requests, newest first, after the request ``after`` (a tracking
    code; unknown: from the start) or ``skip`` requests from the start. ``start`` and ``end``
    bound the submission time; ``updated_after`` and ``updated_before`` the time of a public
    change. The next page's cursor
    is a tracking code. Four queries with ``after``, three without."""
    reports = public_requests()
    if service_codes:
        reports = reports.filter(category__code__in=list(service_codes))
    if status_groups:
        reports = reports.in_status_groups(*status_groups)
    if start:
        reports = reports.filter(submitted_at__gte=start)
    if end:
        reports = reports.filter(submitted_at__lte=end)
    if updated_after or updated_before:
        changed = _changed_publicly(after=updated_after, before=updated_before)
        reports = reports.filter(id__in=changed)
    if bbox:
        reports = reports.filter(bbox.q())
    cursor = cursor_at(Report.objects.public(), order=REQUEST_ORDER, tracking_code=after)
    page = keyset_page(
        reports, order=REQUEST_ORDER, size=size, cursor=cursor, skip=skip, write_cursor=_code_cursor
    )
    attach_public_details(page.rows)
    return page


def requests_by_code(codes: list[str]) -> list[Report]:
    """Reports looked up by id: public ones in full, not-yet-public ones too (the caller shows
    them with minimal fields). Reports hidden by moderation are never found."""
    reports = attach_public_details(
        list(with_public_details(Report.objects.filter(tracking_code__in=codes, is_hidden=False)))
    )
    by_code = {report.tracking_code: report for report in reports}
    return [by_code[code] for code in codes if code in by_code]


def outcome_before_publication_condition() -> Q:
    """The event that closed a report intake never published (refused, or merged into
    another report): the one public outcome such a report has (``reports.public.visibility``)."""
    return Q(
        report__published_at__isnull=True,
        report__is_hidden=False,
        to_status__in=sorted(DISMISSED_STATUSES),
    )


def _public_events(*, start, end):
    """Public events of public reports in ``[start, end]``, and the outcome of each report
    closed before it was published."""
    return (
        ReportEvent.objects.filter(
            public_condition(through="report") | outcome_before_publication_condition(),
            is_public=True,
            created_at__gte=start,
            created_at__lte=end,
        )
        .select_related("report", "report__duplicate_of", "report__api_submission", "department")
        .only(
            "id",
            "kind",
            "created_at",
            "to_status",
            "public_message",
            "report__tracking_code",
            "report__status",
            "report__published_at",
            "report__is_hidden",
            "report__duplicate_of__tracking_code",
            "report__api_submission__api_key_id",
            "report__api_submission__attributes",
            "department__name_vi",
            "department__name_en",
        )
        .annotate(
            first_photo=Subquery(
                Photo.objects.shown_publicly()
                .filter(event=OuterRef("pk"))
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
    """Public events of public reports in ``[start, end]`` (and the outcome of reports closed
    before publication), oldest first, from the ``skip``-th on, each with the status its
    report had then (``status_then``). Two queries."""
    page = keyset_page(
        _public_events(start=start, end=end), order=UPDATE_ORDER, size=size, skip=skip
    )
    return _with_status_when_posted(page.rows)


def active_services() -> list[Category]:
    return list(Category.objects.filter(is_active=True).order_by(VietnameseCollate("name_vi")))


def active_service(code: str) -> Category | None:
    return Category.objects.filter(code=code, is_active=True).first()
