"""CSV export of a filtered report list, streamed row by row.

Reporter contact details are included only where the user's role may see them (intake
always, the handling agency when the reporter allowed contact, never leaders); other rows
get empty cells. Cells are made safe for spreadsheets by ``reports.csv_export``.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import timezone
from django.utils.translation import gettext as _

from reports.csv_export import csv_lines
from reports.models import Report
from reports.pagination import SORTS, iterate_in_chunks
from reports.permissions import StaffAccess


def _cell(value):
    if value is None:
        return ""
    if hasattr(value, "astimezone"):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    return value if isinstance(value, int | float) else str(value)


def _labels(choices) -> dict[str, str]:
    """A choice field's labels, translated once per export: ``get_FOO_display`` per row
    hashes the lazy choices again each time, which was a third of an export's time."""
    return {value: str(label) for value, label in choices}


def _columns(with_reporter: bool):
    statuses = _labels(Report.Status.choices)
    priorities = _labels(Report.Priority.choices)
    sources = _labels(Report.Source.choices)
    yes = _("yes")
    columns = [
        (_("Tracking code"), lambda r: r.tracking_code),
        (_("Title"), lambda r: r.title),
        (_("Category"), lambda r: r.category.name),
        (_("Commune"), lambda r: r.commune.name),
        (_("Agency"), lambda r: r.department.name if r.department else ""),
        (_("Status"), lambda r: statuses.get(r.status, r.status)),
        (_("Priority"), lambda r: priorities.get(r.priority, r.priority)),
        (_("Channel"), lambda r: sources.get(r.source, r.source)),
        (_("Entered by"), lambda r: r.entered_by or ""),
        (_("Assigned to"), lambda r: r.assigned_to or ""),
        (_("Submitted"), lambda r: r.submitted_at),
        (_("Accepted"), lambda r: r.accepted_at),
        (_("Intake due"), lambda r: r.intake_due_at),
        (_("First response due"), lambda r: r.response_due_at),
        (_("First response"), lambda r: r.first_response_at),
        (_("Resolution due"), lambda r: r.resolution_due_at),
        (_("Deadline extended"), lambda r: yes if r.resolution_extended else ""),
        (_("Resolved"), lambda r: r.resolved_at),
        (_("Closed"), lambda r: r.closed_at),
        (_("Followers"), lambda r: r.follower_count),
    ]
    columns = [(title, value, False) for title, value in columns]
    if with_reporter:
        columns += [
            (_("Reporter name"), lambda r: r.reporter_name, True),
            (_("Reporter email"), lambda r: r.reporter_email, True),
            (_("Reporter phone"), lambda r: r.reporter_phone, True),
        ]
    return columns


def may_export_reporters(access: StaffAccess) -> bool:
    """Whether the export has reporter columns at all (filled per row by consent)."""
    return access.is_intake or access.is_administrator or bool(access.agency_departments)


def export_rows(queryset, *, access: StaffAccess, sort: str) -> Iterator[str]:
    """CSV lines, one report a line (see ``reports.csv_export``)."""
    with_reporter = may_export_reporters(access)
    columns = _columns(with_reporter)
    queryset = queryset.select_related(
        "category", "commune", "department", "assigned_to", "entered_by"
    )

    def rows():
        for report in iterate_in_chunks(queryset, order=SORTS[sort]):
            show_reporter = access.may_see_reporter(report)
            yield [
                "" if personal and not show_reporter else _cell(value(report))
                for _title, value, personal in columns
            ]

    yield from csv_lines([title for title, _value, _personal in columns], rows())
