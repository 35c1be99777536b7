"""Recording what happened to a report: the one way a timeline and audit event is written.

Every action that changes a report (or acts on it: a note, a follow, a rating) calls
``event_record`` inside its own transaction, after it has changed the report. The event and
its notification outbox rows are written in that transaction, so they exist exactly when the
change does; the emails themselves leave after commit (``reports.notifications.queue``).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from reports.models import Report, ReportEvent
from reports.notifications.queue import queue_event_emails
from services.models import Department


def event_record(
    *,
    report: Report,
    kind: str,
    acting_user,
    at: datetime | None = None,
    is_public: bool = False,
    from_status: str = "",
    to_status: str | None = None,
    public_message: str = "",
    internal_note: str = "",
    department: Department | None = None,
    data: dict | None = None,
) -> ReportEvent:
    """Writes one ``ReportEvent`` of ``report`` and queues the emails its kind sends.

    ``acting_user`` is who did it: a signed-in user, or ``None`` (or an anonymous user) for
    the system and for reporters acting through their private link. ``at`` defaults to now;
    an action passes the moment it stamped on the report so both agree. A status change is
    given as ``from_status``; ``to_status`` then defaults to the report's status, which the
    action has already set. ``is_public`` puts the event on the public page and in the
    Open311 updates; ``public_message`` is what the reporter (and, when public, everyone)
    reads, ``internal_note`` never leaves the staff dashboard.

    Must run inside the caller's transaction: an event without its change (or the reverse)
    would make the audit trail lie.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("event_record must run inside the action's transaction")
    if to_status is None:
        to_status = report.status if from_status else ""
    event = ReportEvent.objects.create(
        report=report,
        kind=kind,
        actor=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        created_at=at or timezone.now(),
        is_public=is_public,
        from_status=from_status,
        to_status=to_status,
        department=department,
        public_message=public_message,
        internal_note=internal_note,
        data=data or {},
    )
    queue_event_emails(event)
    return event
