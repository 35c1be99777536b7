"""The named sets of reports: public, open, handled by an agency, overdue, due soon, awaiting a
rating… Each is written once here, as a condition (a ``Q``, for conditional counts such as the
dashboard's queue counts) and as a ``Report.objects`` method built on it. Pages, the API,
exports, statistics, the digest and the reminders use these instead of restating statuses or
comparing due times themselves; the status groups come from the status machine
(``reports.workflow``).

Deadlines: ``handling_due_at`` is the deadline a report is worked against now (the intake
deadline while it awaits intake, the resolution deadline while an agency works on it, none
while it waits for the reporter or once it is done; see ``Report``). "Overdue" and "due soon"
are about that deadline.
"""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q

from reports import workflow
from reports.models.engagement import Rating
from reports.status import ReportStatus


def public_condition(*, through: str = "") -> Q:
    """What the public may see: reports accepted at some point (published) and not hidden by
    moderation. ``Report.is_public`` is the same rule for one report in memory.

    ``through`` names the relation to the report when filtering another model (``"report"``
    for events)."""
    prefix = f"{through}__" if through else ""
    return Q(**{f"{prefix}published_at__isnull": False, f"{prefix}is_hidden": False})


def statuses_condition(statuses) -> Q:
    return Q(status__in=sorted(statuses))


def status_group_condition(*groups: str) -> Q:
    """Reports in any of the public status groups named ("open", "fixed", "closed")."""
    return statuses_condition(set().union(*(workflow.STATUS_GROUPS[group] for group in groups)))


def open_condition() -> Q:
    return statuses_condition(workflow.OPEN_STATUSES)


def handling_condition() -> Q:
    """An agency has the report: accepted and not yet resolved."""
    return statuses_condition(workflow.HANDLING_STATUSES)


def live_condition() -> Q:
    """Not closed yet (resolved reports still wait for their rating)."""
    return statuses_condition(workflow.LIVE_STATUSES)


def answered_condition() -> Q:
    """Resolved, or closed after a resolution."""
    return statuses_condition(workflow.ANSWERED_STATUSES)


def awaiting_intake_condition() -> Q:
    return Q(status=ReportStatus.SUBMITTED)


def waiting_for_reporter_condition() -> Q:
    return Q(status=ReportStatus.WAITING_INFO)


def overdue_condition(now: datetime, *, counting_first_reply: bool = False) -> Q:
    """The deadline the report is worked against now has passed.

    ``counting_first_reply``: a first public reply that is late counts as well, while the
    resolution clock runs (the statistics count it; the queues and the digest follow the
    current deadline only).
    """
    condition = Q(handling_due_at__lt=now)
    if counting_first_reply:
        condition |= statuses_condition(workflow.RESOLUTION_CLOCK_STATUSES) & Q(
            first_response_at__isnull=True, response_due_at__lt=now
        )
    return condition


def due_soon_condition(now: datetime, *, until: datetime) -> Q:
    """The current deadline falls between ``now`` and ``until`` (not yet passed)."""
    return Q(handling_due_at__gte=now, handling_due_at__lt=until)


def on_time_condition(*, until: datetime) -> Q:
    """A deadline runs and falls after ``until`` (the end of "due soon")."""
    return Q(handling_due_at__gte=until)


def rated_since_resolution():
    """A rating given since the report (the outer query's row) was last resolved."""
    return Exists(
        Rating.objects.filter(report=OuterRef("pk"), created_at__gte=OuterRef("resolved_at"))
    )


def awaiting_rating_condition() -> Q:
    """Resolved, and the reporter has not rated this resolution yet: the ``awaiting_rating``
    column the handling actions keep (``rated_since_resolution`` is the same rule read from
    the ratings, which ``reports.tallies`` uses to rebuild the column)."""
    return Q(awaiting_rating=True)


class ReportQuerySet(models.QuerySet):
    """``Report.objects``: the named sets above as chainable filters."""

    def public(self):
        return self.filter(public_condition())

    def in_status_groups(self, *groups: str):
        return self.filter(status_group_condition(*groups))

    def open(self):
        return self.filter(open_condition())

    def handling(self):
        return self.filter(handling_condition())

    def live(self):
        return self.filter(live_condition())

    def answered(self):
        return self.filter(answered_condition())

    def not_dismissed(self):
        """Everything but reports refused at intake or merged into another."""
        return self.exclude(statuses_condition(workflow.DISMISSED_STATUSES))

    def awaiting_intake(self):
        return self.filter(awaiting_intake_condition())

    def waiting_for_reporter(self):
        return self.filter(waiting_for_reporter_condition())

    def overdue(self, now: datetime, *, counting_first_reply: bool = False):
        return self.filter(overdue_condition(now, counting_first_reply=counting_first_reply))

    def due_soon(self, now: datetime, *, until: datetime):
        return self.filter(due_soon_condition(now, until=until))

    def on_time(self, *, until: datetime):
        return self.filter(on_time_condition(until=until))

    def awaiting_rating(self):
        return self.filter(awaiting_rating_condition())

    def with_overdue_flag(self, now: datetime, *, counting_first_reply: bool = False):
        """Each report with ``is_overdue`` (see ``overdue_condition``), computed in SQL."""
        return self.annotate(
            is_overdue=ExpressionWrapper(
                overdue_condition(now, counting_first_reply=counting_first_reply),
                output_field=BooleanField(),
            )
        )


class PhotoQuerySet(models.QuerySet):
    def ready(self) -> PhotoQuerySet:
        """Photos the images worker has cleaned: the only ones with an address."""
        return self.filter(state="ready")

    def shown_publicly(self) -> PhotoQuerySet:
        """Ready photos moderation has not hidden (of reports the caller already knows are
        public): what the public pages, the map and Open311 show."""
        return self.ready().filter(is_hidden=False)
