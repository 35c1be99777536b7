"""Reads for the report form: reports already made nearby, the commune a pin suggests, the
photos staged for it, and the report a device already filed under its client key."""

import uuid
from datetime import timedelta

from django.utils import timezone

from reports.models import Photo, Report
from services.geo import bounding_box, distance_m
from services.models import Commune

NEARBY_RADIUS_M = 250


NEARBY_DAYS = 30


def nearby_open_reports(*, category_id: int, latitude: float, longitude: float, limit: int = 5):
    """Public reports an agency is handling, of one category, within 250 m, from the last 30
    days, nearest first.

    A bounding box narrows the candidates on the (latitude, longitude) index; the exact
    distance is measured in Python on that handful of rows.
    """
    south, west, north, east = bounding_box(latitude, longitude, NEARBY_RADIUS_M)
    candidates = (
        Report.objects.public()
        .handling()
        .filter(
            category_id=category_id,
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


def commune_name(commune_id: int | None) -> str:
    """The name of a commune ("" when there is none with that id). One query."""
    if commune_id is None:
        return ""
    return Commune.objects.filter(pk=commune_id).values_list("name", flat=True).first() or ""


def staged_photos(*, keys: list[str], staged_by: str) -> list:
    """Photos this session staged and has not attached yet, in the order of ``keys``."""

    if not keys or not staged_by:
        return []
    found = {
        photo.key: photo
        for photo in Photo.objects.filter(key__in=keys, staged_by=staged_by, report__isnull=True)
    }
    return [found[key] for key in dict.fromkeys(keys) if key in found]


def report_for_client_key(client_key: uuid.UUID) -> Report | None:
    """The report filed under a device's client key, if one was."""
    return Report.objects.filter(client_key=client_key).first()
