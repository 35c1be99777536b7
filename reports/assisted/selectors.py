"""Reads for the assisted-entry pages: one person's entries, and their commune's reports."""

from __future__ import annotations

from django.db.models import QuerySet

from reports.models import Report
from reports.pagination import Page, SortOrder, decode_cursor, keyset_page

NEWEST = SortOrder("submitted_at", descending=True)
PAGE_SIZE = 50
ENTRY_FIELDS = (
    "tracking_code",
    "title",
    "status",
    "source",
    "submitted_at",
    "published_at",
    "is_hidden",
    "reporter_name",
    "reporter_phone",
    "contact_allowed",
    "entered_by_id",
    "category__name_vi",
    "category__name_en",
    "commune__name",
)
# A commune's reports as its helpers see them: what and where, never who reported.
COMMUNE_FIELDS = (
    "tracking_code",
    "title",
    "status",
    "source",
    "submitted_at",
    "published_at",
    "is_hidden",
    "entered_by_id",
    "category__name_vi",
    "category__name_en",
    "commune__name",
)


def _page(reports: QuerySet, fields, cursor: str | None) -> Page:
    return keyset_page(
        reports.select_related("category", "commune").only(*fields),
        order=NEWEST,
        size=PAGE_SIZE,
        cursor=decode_cursor(cursor),
    )


def entries_page(user, *, cursor: str | None = None) -> Page:
    """The reports ``user`` entered for residents, newest first (one query; the
    ``report_entered_by`` index)."""
    return _page(Report.objects.filter(entered_by=user), ENTRY_FIELDS, cursor)


def commune_reports_page(commune_ids, *, cursor: str | None = None) -> Page:
    """Every report of the communes, newest first, without the reporter (one query)."""
    return _page(Report.objects.filter(commune_id__in=list(commune_ids)), COMMUNE_FIELDS, cursor)


def entered_report(user, code: str) -> Report | None:
    """A report ``user`` entered, by its tracking code (one query)."""
    return (
        Report.objects.select_related("category", "commune")
        .filter(entered_by=user, tracking_code=code)
        .first()
    )
