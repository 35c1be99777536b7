"""Reads for the dashboard's report list, its export and its bulk actions. The queues are
``reports.staff.queues``; the workbench's reads are ``reports.staff.workbench``."""

from __future__ import annotations

from django.db.models import QuerySet

from reports.models import Report
from reports.pagination import SORTS, Page, decode_cursor, keyset_page
from reports.permissions import visible_reports_for

LIST_FIELDS = (
    "tracking_code",
    "title",
    "status",
    "priority",
    "submitted_at",
    "updated_at",
    "handling_due_at",
    "resolution_paused_at",
    "commune_mismatch",
    "is_hidden",
    "category__name_vi",
    "category__name_en",
    "commune__name",
    "department__name_vi",
    "department__name_en",
    "proposed_department__name_vi",
    "proposed_department__name_en",
    "assigned_to__email",
    "assigned_to__full_name",
)


def report_list_page(reports: QuerySet, *, sort: str, size: int, cursor: str | None) -> Page:
    """One page of the list in the order ``sort`` (a key of ``SORTS``), after the opaque
    ``cursor`` (a bad one gives the first page). One query."""
    return keyset_page(
        reports.select_related(
            "category", "commune", "department", "proposed_department", "assigned_to"
        ).only(*LIST_FIELDS),
        order=SORTS[sort],
        size=size,
        cursor=decode_cursor(cursor),
    )


def visible_reports_by_code(user, codes: list[str]) -> dict[str, Report]:
    """The reports among ``codes`` the user may see, by tracking code. One query."""
    return {
        report.tracking_code: report
        for report in visible_reports_for(user).filter(tracking_code__in=codes)
    }
