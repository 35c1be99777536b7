"""What the public may see of a report.

A report is public once intake has accepted it, unless moderation hides it:
``Report.objects.public()`` for queries, ``Report.is_public`` for one report in memory. Pages,
the map, the list, the downloads and Open311 show public reports in full (public fields only).

Of a report that is not public the public learns nothing, except the outcome of one that intake
closed without handling it: the reason it was not accepted, or the report it duplicates. Its
content never becomes public. ``public_outcome`` decides that, for the report page and Open311.
"""

from __future__ import annotations

from dataclasses import dataclass

from reports.models import Report
from reports.workflow import DISMISSED_STATUSES


@dataclass(frozen=True)
class PublicOutcome:
    """How a report that was never public ended, as the public may read it."""

    status: str
    reason: str = ""  # why intake did not accept it
    original: Report | None = None  # the report it duplicates


def public_outcome(report: Report) -> PublicOutcome | None:
    """The outcome of a report that is not public, or None when the public may learn nothing
    (a public report shows itself in full instead)."""
    if report.is_public or report.is_hidden or report.status not in DISMISSED_STATUSES:
        return None
    original = report.duplicate_of if report.status == Report.Status.DUPLICATE else None
    return PublicOutcome(status=report.status, reason=report.public_reason, original=original)
