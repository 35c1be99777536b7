"""Reads for the Open311 API, shaped so a page of requests is a single query."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery

from reports.models import Photo, Report, ReportEvent
from reports.public.selectors import public_reports

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
    return with_public_details(public_reports())


def requests_by_code(codes: list[str]) -> list[Report]:
    """Reports looked up by id: public ones in full, not-yet-public ones too (the caller shows
    them with minimal fields). Reports hidden by moderation are never found."""
    reports = with_public_details(Report.objects.filter(tracking_code__in=codes, is_hidden=False))
    by_code = {report.tracking_code: report for report in reports}
    return [by_code[code] for code in codes if code in by_code]


def public_updates(*, start, end):
    """Public events of public reports in ``[start, end]``, oldest first."""
    return (
        ReportEvent.objects.filter(
            is_public=True,
            created_at__gte=start,
            created_at__lte=end,
            report__published_at__isnull=False,
            report__is_hidden=False,
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
        .order_by("created_at", "id")
    )
