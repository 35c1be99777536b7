"""Reads for the reporter's own actions on their private page: what they may do now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from reports.models import Rating, Report, ReportEvent
from reports.workflow import DISPUTE_WINDOW, REPORTER, allowed_actions


@dataclass(frozen=True)
class ReporterOptions:
    """What the reporter can do now: answer the pending question, or rate the answer (and
    until when a "not satisfied" rating still reopens the report)."""

    question: ReportEvent | None = None
    can_rate: bool = False
    rating: Rating | None = None  # their rating of the current answer, once given
    dispute_until: datetime | None = None


def reporter_options(report: Report, *, now: datetime) -> ReporterOptions:
    """At most one query: the pending question, or the rating of the current answer."""
    allowed = allowed_actions(status=report.status, roles={REPORTER})
    if "provide_info" in allowed:
        question = (
            report.events.filter(kind=ReportEvent.Kind.INFO_REQUESTED)
            .order_by("-created_at", "-id")
            .first()
        )
        return ReporterOptions(question=question)
    if "rate" in allowed and report.resolved_at:
        rating = (
            report.ratings.filter(created_at__gte=report.resolved_at)
            .order_by("-created_at")
            .first()
        )
        dispute_until = report.resolved_at + DISPUTE_WINDOW
        return ReporterOptions(
            can_rate=rating is None,
            rating=rating,
            dispute_until=dispute_until if now <= dispute_until else None,
        )
    return ReporterOptions()
