"""Reads for the citizen pages (home, report page, map popup), shaped so each page runs a fixed
number of queries. Which reports are public is ``Report.objects.public()``; what a report that
is not public may still show is ``reports.public.visibility``."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q

from reports.models import Photo, Report, ReportEvent
from reports.tallies import public_status_counts
from reports.workflow import ANSWERED_STATUSES, HANDLING_STATUSES, status_group

HOME_RECENT_REPORTS = 20


def public_headline_counts() -> dict[str, int]:
    """Public reports in all, being handled, and answered: from the tallies (one query)."""
    by_status = public_status_counts()
    return {
        "total": sum(by_status.values()),
        "in_progress": sum(by_status[status] for status in HANDLING_STATUSES),
        "resolved": sum(by_status[status] for status in ANSWERED_STATUSES),
    }


def recent_public_reports(*, limit: int) -> list[Report]:
    """The newest public reports, leaving out those refused or merged since publication."""
    return list(
        Report.objects.public()
        .not_dismissed()
        .select_related("category", "commune")
        .only(
            "tracking_code",
            "title",
            "status",
            "latitude",
            "longitude",
            "published_at",
            "category__name_vi",
            "category__name_en",
            "commune__name",
        )
        .order_by("-published_at", "-id")[:limit]
    )


def home_page(*, limit: int = HOME_RECENT_REPORTS) -> dict:
    """The home page: headline counts, the newest reports and their map pins (two queries)."""
    recent = recent_public_reports(limit=limit)
    return {
        "counts": public_headline_counts(),
        "recent_reports": recent,
        "map_points": [
            {
                "lat": report.latitude,
                "lon": report.longitude,
                "url": report.get_absolute_url(),
                "title": report.title,
                "group": status_group(report.status),
            }
            for report in recent
            if report.has_location
        ],
    }


def report_by_code(code: str) -> Report | None:
    """The report with its catalogue rows, or None. One query."""
    return (
        Report.objects.select_related(
            "category", "commune", "department", "proposed_department", "duplicate_of"
        )
        .filter(tracking_code=code)
        .first()
    )


def report_photos(report: Report, *, include_hidden: bool = False) -> list[Photo]:
    """The report's photos for its page: ready ones, and pending ones (shown as "being
    processed", with no address); a photo that could not be read is not listed."""
    photos = report.photos.exclude(state=Photo.State.FAILED)
    if not include_hidden:
        photos = photos.filter(is_hidden=False)
    return list(
        photos.only("key", "state", "image", "thumbnail", "kind", "width", "height", "event_id")
    )


def report_timeline(report: Report, *, public_only: bool) -> list[ReportEvent]:
    events = report.events.select_related("department")
    if public_only:
        events = events.filter(is_public=True)
    return list(events)


# Besides the public timeline, the reporter sees the questions asked of them and their answers.
REPORTER_EVENT_KINDS = (ReportEvent.Kind.INFO_REQUESTED, ReportEvent.Kind.INFO_PROVIDED)


def reporter_timeline(report: Report) -> list[ReportEvent]:
    """The timeline on the reporter's private page. One query."""
    return list(
        report.events.select_related("department").filter(
            Q(is_public=True) | Q(kind__in=REPORTER_EVENT_KINDS)
        )
    )


def promised_resolution(report: Report) -> datetime | None:
    """The resolution deadline the report page shows: until the agency has answered."""
    if report.status in ANSWERED_STATUSES:
        return None
    return report.resolution_due_at


def map_popup_report(code: str) -> Report | None:
    """A public report with the fields a marker's popup shows, and its first visible photo as
    ``popup_photo`` (None without one). Two queries."""
    report = (
        Report.objects.public()
        .select_related("category", "commune")
        .only(
            "id",
            "tracking_code",
            "title",
            "status",
            "submitted_at",
            "category__name_vi",
            "category__name_en",
            "commune__name",
        )
        .filter(tracking_code=code)
        .first()
    )
    if report is not None:
        report.popup_photo = (
            Photo.objects.shown_publicly()
            .filter(report=report, kind=Photo.Kind.REPORT)
            .only("state", "image", "thumbnail", "key")
            .first()
        )
    return report


def reports_of_user(*, user):
    """The reports linked to ``user``'s account, newest first, shaped for the "my reports" list."""
    return (
        Report.objects.filter(reporter=user)
        .select_related("category", "commune")
        .only(
            "tracking_code",
            "title",
            "status",
            "submitted_at",
            "updated_at",
            "category__name_vi",
            "category__name_en",
            "commune__name",
        )
        .order_by("-submitted_at", "-id")
    )
