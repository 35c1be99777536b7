"""Reads for the public list and the open-data downloads.

The list pages with a keyset on ``(published_at, id)`` (the ``report_public_recent`` index), so a
deep page costs the same as the first. The cursor in the URL is the tracking code of the last
(or first) report shown; database ids never leave the server.
"""

from __future__ import annotations

from reports.models import Report
from reports.pagination import Page, SortOrder, cursor_at, iterate_in_chunks, keyset_page

PAGE_SIZE = 20
# Newest publication first (the ``report_public_recent`` index).
PUBLISHED_ORDER = SortOrder("published_at", descending=True)

LIST_FIELDS = (
    "tracking_code",
    "title",
    "status",
    "address",
    "submitted_at",
    "published_at",
    "resolved_at",
    "category__code",
    "category__name_vi",
    "category__name_en",
    "commune__code",
    "commune__name",
)


def _code_cursor(row, backwards: bool) -> str:
    return row.tracking_code


def public_report_page(
    queryset, *, after: str | None = None, before: str | None = None, size: int = PAGE_SIZE
) -> Page:
    """One page of ``queryset`` (already filtered public reports), newest first.

    ``after`` / ``before`` are tracking codes; an unknown code gives the first page. Two queries
    at most: the cursor lookup and the page itself.
    """
    cursor = cursor_at(Report.objects.public(), order=PUBLISHED_ORDER, tracking_code=after)
    if cursor is None:
        cursor = cursor_at(
            Report.objects.public(), order=PUBLISHED_ORDER, backwards=True, tracking_code=before
        )
    return keyset_page(
        queryset.select_related("category", "commune").only(*LIST_FIELDS),
        order=PUBLISHED_ORDER,
        size=size,
        cursor=cursor,
        write_cursor=_code_cursor,
    )


# --- Open data ---------------------------------------------------------------------------

# Public fields only: never the reporter's name, email, phone, account, or anything internal.
EXPORT_FIELDS = (
    ("tracking_code", "tracking_code"),
    ("title", "title"),
    ("description", "description"),
    ("category_code", "category__code"),
    ("category_vi", "category__name_vi"),
    ("category_en", "category__name_en"),
    ("status", "status"),
    ("commune_code", "commune__code"),
    ("commune", "commune__name"),
    ("agency_vi", "department__name_vi"),
    ("agency_en", "department__name_en"),
    ("address", "address"),
    # The channel the report came in by (web, open311, hotline, zalo, walk_in, helper, email);
    # never who entered it.
    ("channel", "source"),
    ("latitude", "latitude"),
    ("longitude", "longitude"),
    ("submitted_at", "submitted_at"),
    ("published_at", "published_at"),
    ("resolved_at", "resolved_at"),
    ("closed_at", "closed_at"),
)
EXPORT_BATCH = 2000


def export_rows(queryset):
    """Yields dicts of public fields for every report of ``queryset``, newest first, read in
    keyset batches."""
    lookups = [lookup for _, lookup in EXPORT_FIELDS]
    names = [name for name, _ in EXPORT_FIELDS]
    rows = queryset.values(*dict.fromkeys(["published_at", "id", *lookups]))
    for row in iterate_in_chunks(rows, order=PUBLISHED_ORDER, chunk_size=EXPORT_BATCH):
        yield {name: row[lookup] for name, lookup in zip(names, lookups, strict=True)}
