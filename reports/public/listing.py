"""Reads for the public list and the open-data downloads.

The list pages with a keyset on ``(published_at, id)`` (the ``report_public_recent`` index), so a
deep page costs the same as the first. The cursor in the URL is the tracking code of the last
(or first) report shown; database ids never leave the server.
"""

from __future__ import annotations

from dataclasses import dataclass

from reports.models import Report
from reports.public.selectors import public_reports
from reports.workflow import status_group

PAGE_SIZE = 20

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


@dataclass
class ReportPage:
    reports: list[Report]
    next_cursor: str | None  # show older reports after this one
    previous_cursor: str | None  # show newer reports before this one

    def __post_init__(self):
        for report in self.reports:
            report.status_group = status_group(report.status)


def _cursor_position(code: str | None) -> tuple | None:
    if not code:
        return None
    return public_reports().filter(tracking_code=code).values_list("published_at", "id").first()


def public_report_page(
    queryset, *, after: str | None = None, before: str | None = None, size: int = PAGE_SIZE
) -> ReportPage:
    """One page of ``queryset`` (already filtered public reports), newest first.

    ``after`` / ``before`` are tracking codes; an unknown code gives the first page. Two queries
    at most: the cursor lookup and the page itself.
    """
    queryset = queryset.select_related("category", "commune").only(*LIST_FIELDS)
    after_position = _cursor_position(after)
    before_position = None if after_position else _cursor_position(before)
    if before_position:
        published_at, pk = before_position
        # Newer rows: walk the index upwards from the cursor, then show them newest first.
        rows = list(
            queryset.filter(published_at__gte=published_at)
            .exclude(published_at=published_at, id__lte=pk)
            .order_by("published_at", "id")[: size + 1]
        )
        has_newer = len(rows) > size
        rows = list(reversed(rows[:size]))
        return ReportPage(
            reports=rows,
            next_cursor=rows[-1].tracking_code if rows else None,
            previous_cursor=rows[0].tracking_code if rows and has_newer else None,
        )
    if after_position:
        published_at, pk = after_position
        queryset = queryset.filter(published_at__lte=published_at).exclude(
            published_at=published_at, id__gte=pk
        )
    rows = list(queryset.order_by("-published_at", "-id")[: size + 1])
    has_older = len(rows) > size
    rows = rows[:size]
    return ReportPage(
        reports=rows,
        next_cursor=rows[-1].tracking_code if rows and has_older else None,
        previous_cursor=rows[0].tracking_code if rows and after_position else None,
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
    ("latitude", "latitude"),
    ("longitude", "longitude"),
    ("submitted_at", "submitted_at"),
    ("published_at", "published_at"),
    ("resolved_at", "resolved_at"),
    ("closed_at", "closed_at"),
)
EXPORT_BATCH = 2000


def export_rows(queryset):
    """Yields dicts of public fields for every report of ``queryset``, newest first.

    Reads in keyset batches, so memory stays flat and no long-running cursor is held.
    """
    lookups = [lookup for _, lookup in EXPORT_FIELDS]
    names = [name for name, _ in EXPORT_FIELDS]
    base = queryset.order_by("-published_at", "-id")
    position = None
    while True:
        batch = base
        if position is not None:
            published_at, pk = position
            batch = batch.filter(published_at__lte=published_at).exclude(
                published_at=published_at, id__gte=pk
            )
        rows = list(batch.values_list("published_at", "id", *lookups)[:EXPORT_BATCH])
        if not rows:
            return
        for row in rows:
            yield dict(zip(names, row[2:], strict=True))
        position = rows[-1][:2]
        if len(rows) < EXPORT_BATCH:
            return
