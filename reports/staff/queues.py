"""The work queues of the dashboard and their counts.

Each queue is a condition on the reports the user may see. Their counts cost the same at ten
thousand and at a million reports: the queues that are a status (or the rating state) read the
tallies kept by the actions ("overdue" too, by the day of the current deadline), "due soon"
reads one working day of the index on the current deadline; the "all reports" queue is never
counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from reports import workflow
from reports.models.querysets import (
    awaiting_intake_condition,
    awaiting_rating_condition,
    due_soon_condition,
    handling_condition,
    overdue_condition,
    waiting_for_reporter_condition,
)
from reports.permissions import StaffAccess
from reports.status import ReportStatus
from reports.tallies import overdue_count, tally_rows
from services.sla import WorkingCalendar


@dataclass(frozen=True)
class Queue:
    key: str
    label: str | Promise
    counted: bool = True


NEW = Queue("new", _("New, awaiting intake"))
INBOX = Queue("inbox", _("My agency's inbox"))
MINE = Queue("mine", _("Assigned to me"))
WAITING = Queue("waiting", _("Waiting for the reporter"))
DUE_SOON = Queue("due_soon", _("Due soon"))
OVERDUE = Queue("overdue", _("Overdue"))
AWAITING_RATING = Queue("awaiting_rating", _("Resolved, awaiting rating"))
ALL = Queue("all", _("All reports"), counted=False)
QUEUES = {q.key: q for q in (NEW, INBOX, MINE, WAITING, DUE_SOON, OVERDUE, AWAITING_RATING, ALL)}


@dataclass(frozen=True)
class QueueContext:
    """What a queue condition depends on: who looks, and when."""

    access: StaffAccess
    now: datetime
    soon: datetime  # one working day from now


def queue_context(access: StaffAccess, *, now: datetime, calendar: WorkingCalendar):
    return QueueContext(access=access, now=now, soon=calendar.add(now, calendar.working_day_length))


def queues_for(access: StaffAccess) -> list[Queue]:
    queues = []
    if access.sees_all:
        queues.append(NEW)
    if access.agency_departments:
        queues += [INBOX, MINE]
    queues += [WAITING, DUE_SOON, OVERDUE, AWAITING_RATING, ALL]
    return queues


def default_queue(access: StaffAccess) -> Queue:
    if access.is_intake:
        return NEW
    if access.agency_departments:
        return INBOX
    return ALL


def queue_condition(key: str, ctx: QueueContext) -> Q:
    """Which reports a queue holds, in the terms of ``reports.models.querysets``."""
    if key == "new":
        return awaiting_intake_condition()
    if key == "inbox":
        return Q(department_id__in=ctx.access.agency_departments) & handling_condition()
    if key == "mine":
        return Q(assigned_to_id=ctx.access.user_id) & handling_condition()
    if key == "waiting":
        return waiting_for_reporter_condition()
    if key == "due_soon":
        return due_soon_condition(ctx.now, until=ctx.soon)
    if key == "overdue":
        return overdue_condition(ctx.now)
    if key == "awaiting_rating":
        return awaiting_rating_condition()
    return Q()


def queue_counts(visible: QuerySet, queues: list[Queue], ctx: QueueContext) -> dict[str, int]:
    """How many reports each counted queue holds, in at most five queries whose cost does not
    grow with the archive or the backlog: the status queues and "overdue" from the tallies
    (``reports.tallies``; today's passed deadlines from the index), "due soon" from the index
    on the current deadline (one working day of deadlines), "assigned to me" from the
    assignee index."""
    keys = {queue.key for queue in queues if queue.counted}
    if not keys:
        return {}
    access = ctx.access
    counts = dict.fromkeys(keys, 0)
    if access.sees_all or access.agency_departments:
        rows = tally_rows(departments=None if access.sees_all else access.agency_departments)
        agency = set(access.agency_departments)
        for row in rows:
            if row.status == ReportStatus.SUBMITTED and NEW.key in keys:
                counts[NEW.key] += row.count
            if row.status == ReportStatus.WAITING_INFO and WAITING.key in keys:
                counts[WAITING.key] += row.count
            if row.awaiting_rating and AWAITING_RATING.key in keys:
                counts[AWAITING_RATING.key] += row.count
            if (
                INBOX.key in keys
                and row.department_key in agency
                and row.status in workflow.HANDLING_STATUSES
            ):
                counts[INBOX.key] += row.count
    if DUE_SOON.key in keys:
        counts[DUE_SOON.key] = visible.filter(queue_condition(DUE_SOON.key, ctx)).count()
    if OVERDUE.key in keys and (access.sees_all or access.agency_departments):
        counts[OVERDUE.key] = overdue_count(
            now=ctx.now, departments=None if access.sees_all else access.agency_departments
        )
    if MINE.key in keys:
        counts[MINE.key] = visible.filter(queue_condition(MINE.key, ctx)).count()
    return counts


def queue_reports(visible: QuerySet, key: str, ctx: QueueContext) -> QuerySet:
    condition = queue_condition(key, ctx)
    if key != ALL.key:
        # Lets the database use the live-status indexes; the archive is never scanned.
        visible = visible.live()
    return visible.filter(condition)
