"""Builders for the public map, list, export, statistics and Open311 tests.

Reports are filed through the real submission action; what the staff workflow would do later
(accepting, resolving, deadlines) is then written directly, so each test states exactly the
timestamps its figures depend on.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from reports.models import Report, ReportEvent
from reports.tallies import tallies_rebuild
from services.models import Category, Commune, Department
from tests.factories import submit_report

S = Report.Status


def commune(name: str = "Phường An Xuyên") -> Commune:
    return Commune.objects.get(name=name)


def public_report(
    *,
    commune_name: str = "Phường An Xuyên",
    category: str = "ROAD_DAMAGE",
    offset: tuple[float, float] = (0.0, 0.0),
    status: str = S.ACCEPTED,
    published: bool = True,
    department: str | None = None,
    submitted_at: datetime | None = None,
    with_email: bool = True,
    **fields,
) -> Report:
    """A report with a pin near the commune's reference point, accepted unless told otherwise.
    ``with_email=False`` files it without an email address, so no acknowledgement is queued.

    ``fields`` are written as they are (timestamps, deadlines, flags)."""
    place = commune(commune_name)
    report = submit_report(
        commune=place,
        category=Category.objects.get(code=category),
        latitude=place.latitude + offset[0],
        longitude=place.longitude + offset[1],
        **({} if with_email else {"reporter_email": ""}),
    )
    submitted_at = submitted_at or report.submitted_at
    values = {"status": status, "submitted_at": submitted_at, **fields}
    if published:
        values.setdefault("accepted_at", submitted_at + timedelta(hours=1))
        values.setdefault("published_at", values["accepted_at"])
    if department:
        values["department"] = Department.objects.get(code=department)
    Report.objects.filter(pk=report.pk).update(**values)
    # The submission event happened when the report was submitted.
    ReportEvent.objects.filter(report=report, kind=ReportEvent.Kind.SUBMITTED).update(
        created_at=submitted_at - timedelta(minutes=30)
    )
    # The row was written by hand: derive what the actions would have kept (rating state,
    # tallies) from it.
    tallies_rebuild()
    report.refresh_from_db()
    return report


def at(text: str) -> datetime:
    """A local (Asia/Ho_Chi_Minh) time written "2026-03-02 08:00"."""
    return timezone.make_aware(datetime.fromisoformat(text))
