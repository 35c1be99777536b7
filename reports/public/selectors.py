"""Reads for the citizen pages, shaped so each page runs a fixed number of queries."""

from django.db.models import Count, Q

from reports.models import Report
from reports.workflow import CLOSED_STATUSES, FIXED_STATUSES, HANDLING_STATUSES


def public_reports():
    """Reports the public may see: accepted at some point and not hidden by moderation."""
    return Report.objects.filter(published_at__isnull=False, is_hidden=False)


def public_headline_counts() -> dict[str, int]:
    return public_reports().aggregate(
        total=Count("id"),
        in_progress=Count("id", filter=Q(status__in=HANDLING_STATUSES)),
        resolved=Count("id", filter=Q(status__in=FIXED_STATUSES | {Report.Status.CLOSED})),
    )


def recent_public_reports(*, limit: int):
    return list(
        public_reports()
        .exclude(status__in=CLOSED_STATUSES - {Report.Status.CLOSED})
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


def report_by_code(code: str):
    """The report with its catalogue rows, or None. One query."""
    return (
        Report.objects.select_related(
            "category", "commune", "department", "proposed_department", "duplicate_of"
        )
        .filter(tracking_code=code)
        .first()
    )


def report_photos(report, *, include_hidden: bool = False):
    photos = report.photos.all()
    if not include_hidden:
        photos = photos.filter(is_hidden=False)
    return list(photos.only("key", "image", "thumbnail", "kind", "width", "height", "event_id"))


def report_timeline(report, *, public_only: bool):
    events = report.events.select_related("department")
    if public_only:
        events = events.filter(is_public=True)
    return list(events)


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
