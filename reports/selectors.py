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


NEARBY_RADIUS_M = 250
NEARBY_DAYS = 30


def nearby_open_reports(*, category_id: int, latitude: float, longitude: float, limit: int = 5):
    """Public open reports of one category within 250 m from the last 30 days, nearest first.

    A bounding box narrows the candidates on the (latitude, longitude) index; the exact
    distance is measured in Python on that handful of rows.
    """
    from datetime import timedelta

    from django.utils import timezone

    from reports.workflow import HANDLING_STATUSES
    from services.geo import bounding_box, distance_m

    south, west, north, east = bounding_box(latitude, longitude, NEARBY_RADIUS_M)
    candidates = (
        public_reports()
        .filter(
            category_id=category_id,
            status__in=HANDLING_STATUSES,
            submitted_at__gte=timezone.now() - timedelta(days=NEARBY_DAYS),
            latitude__range=(south, north),
            longitude__range=(west, east),
        )
        .only("tracking_code", "title", "status", "latitude", "longitude", "follower_count")
        .order_by("-submitted_at")[:50]
    )
    with_distance = []
    for report in candidates:
        distance = distance_m(latitude, longitude, report.latitude, report.longitude)
        if distance <= NEARBY_RADIUS_M:
            report.distance_m = round(distance)
            with_distance.append(report)
    with_distance.sort(key=lambda report: report.distance_m)
    return with_distance[:limit]


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


def staged_photos(*, keys: list[str], staged_by: str) -> list:
    """Photos this session staged and has not attached yet, in the order of ``keys``."""
    from reports.models import Photo

    if not keys or not staged_by:
        return []
    found = {
        photo.key: photo
        for photo in Photo.objects.filter(key__in=keys, staged_by=staged_by, report__isnull=True)
    }
    return [found[key] for key in dict.fromkeys(keys) if key in found]
