"""The work queues of the dashboard and their counts.

Each queue is a condition on the reports the user may see. The counts of all queues come from
one aggregate query over the live reports (not yet closed), which stay few however large the
archive grows; the "all reports" queue is never counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from reports.models import Rating, Report
from reports.permissions import StaffAccess
from reports.workflow import FIXED_STATUSES, HANDLING_STATUSES, OPEN_STATUSES
from services.sla import WorkingCalendar

S = Report.Status
LIVE_STATUSES = OPEN_STATUSES | FIXED_STATUSES


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


def _not_rated_since_resolution():
    return ~Exists(
        Rating.objects.filter(report=OuterRef("pk"), created_at__gte=OuterRef("resolved_at"))
    )


def queue_condition(key: str, ctx: QueueContext) -> Q:
    if key == "new":
        return Q(status=S.SUBMITTED)
    if key == "inbox":
        return Q(department_id__in=ctx.access.agency_departments, status__in=HANDLING_STATUSES)
    if key == "mine":
        return Q(assigned_to_id=ctx.access.user_id, status__in=HANDLING_STATUSES)
    if key == "waiting":
        return Q(status=S.WAITING_INFO)
    # The generated deadline column is set only while a clock runs (not while waiting).
    if key == "due_soon":
        return Q(handling_due_at__gte=ctx.now, handling_due_at__lt=ctx.soon)
    if key == "overdue":
        return Q(handling_due_at__lt=ctx.now)
    if key == "awaiting_rating":
        return Q(status=S.RESOLVED) & Q(_not_rated_since_resolution())
    return Q()


def queue_counts(visible: QuerySet, queues: list[Queue], ctx: QueueContext) -> dict[str, int]:
    """How many reports each counted queue holds: one query."""
    aggregates = {
        queue.key: Count("pk", filter=queue_condition(queue.key, ctx))
        for queue in queues
        if queue.counted
    }
    if not aggregates:
        return {}
    return visible.filter(status__in=LIVE_STATUSES).aggregate(**aggregates)


def queue_reports(visible: QuerySet, key: str, ctx: QueueContext) -> QuerySet:
    condition = queue_condition(key, ctx)
    if key != ALL.key:
        # Lets the database use the live-status indexes; the archive is never scanned.
        visible = visible.filter(status__in=LIVE_STATUSES)
    return visible.filter(condition)
