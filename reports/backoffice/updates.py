"""Updates read from an agency's back office, applied to our reports through the same handling
actions as in the dashboard (so deadlines, the first-response clock and the emails follow), in
the name of the officer the back office is configured with. Each update is applied once.

How an update's status reads (GeoReport's two states and mySociety's extended ones, the way
FixMyStreet reads them): work under way starts the work; a final status resolves the report,
its description becoming the public answer; any other description is a public update; a
request the office had finished and shows open again reopens the report.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from reports.backoffice import client
from reports.events import event_record
from reports.handling import actions
from reports.models import (
    BackOfficeDelivery,
    BackOfficeEndpoint,
    BackOfficeUpdate,
    Report,
    ReportEvent,
)
from reports.workflow import ANSWERED_STATUSES, HANDLING_STATUSES, NotAllowed

logger = logging.getLogger(__name__)

WORK_STARTED = frozenset({"in_progress", "action_scheduled", "investigating", "planned"})
FINISHED = frozenset(
    {
        "closed",
        "fixed",
        "no_further_action",
        "not_councils_responsibility",
        "duplicate",
        "internal_referral",
    }
)
# What a request the office has only received says.
RECEIVED = frozenset({"open", "submitted", ""})
RECEIPT_MARGIN = timedelta(minutes=1)
# Reading overlaps the previous window by this much: an update the back office wrote while
# the last read ran is not missed (each is applied once anyway).
OVERLAP = timedelta(minutes=10)
FIRST_WINDOW = timedelta(days=7)
MAX_WINDOW = timedelta(days=89)


def _reopened_reason(status: str) -> str:
    return _("The agency's system shows the report open again (%(status)s).") % {
        "status": status.replace("_", " ")
    }


def _finished_answer(status: str) -> str:
    return _("The agency's system reports the work finished (%(status)s).") % {
        "status": status.replace("_", " ")
    }


def update_apply(*, delivery: BackOfficeDelivery, update: client.RemoteUpdate) -> str:
    """Applies one update to the delivery's report; returns what it did. An update is known
    by the office's ids (its request's id, which is the delivery's, and the update's own):
    each is applied once, ever, whatever its time says. The office's receipt of our
    request is not news to anyone (``_is_receipt``)."""
    endpoint = delivery.endpoint
    office_status_before = (
        BackOfficeUpdate.objects.filter(delivery=delivery)
        .order_by("-id")
        .values_list("status", flat=True)
        .first()
    )
    try:
        with transaction.atomic():
            BackOfficeUpdate.objects.create(
                delivery=delivery, update_id=update.update_id, status=update.status
            )
            if _is_receipt(delivery, update, office_status_before):
                return "receipt"
            report = Report.objects.get(pk=delivery.report_id)
            if report.department_id != endpoint.department_id:
                return "transferred away"
            officer = endpoint.acting_officer
            with override(report.language):
                return _apply(report, officer, update, office_status_before)
    except IntegrityError:
        return "already applied"
    except (NotAllowed, ValidationError) as refused:
        logger.warning(
            "Update %s of %s not applied to %s: %s",
            update.update_id,
            endpoint,
            delivery.report_id,
            getattr(refused, "message", refused),
        )
        with transaction.atomic():
            _, first_refusal = BackOfficeUpdate.objects.get_or_create(
                delivery=delivery, update_id=update.update_id, defaults={"status": update.status}
            )
            if first_refusal:
                _record_refusal(delivery, update, refused)
        return "refused"


def _record_refusal(delivery: BackOfficeDelivery, update: client.RemoteUpdate, refused) -> None:
    """Staff see on the timeline what the office did that the portal could not follow (the
    officer the office acts as may not reopen, say), so someone who may can do it by hand."""
    reason = getattr(refused, "message", None) or "; ".join(getattr(refused, "messages", []))
    report = Report.objects.select_for_update(of=("self",)).get(pk=delivery.report_id)
    with override(report.language):
        note = _(
            "The agency's system sent an update that could not be applied here "
            "(its status: %(status)s; %(description)s): %(reason)s"
        ) % {
            "status": update.status or "-",
            "description": update.description or "-",
            "reason": reason or str(refused),
        }
    event_record(
        report=report,
        kind=ReportEvent.Kind.NOTE,
        acting_user=None,
        at=timezone.now(),
        department=delivery.endpoint.department,
        internal_note=note,
        data={"back_office_update": update.update_id, "status": update.status},
    )


def _is_receipt(
    delivery: BackOfficeDelivery, update: client.RemoteUpdate, office_status_before: str | None
) -> bool:
    """The office's acknowledgement of our request: the first update it serves about it,
    still open, written about when it answered us. "About" is a minute either way, so
    neither the whole seconds of Open311 dates nor an office clock a little off ours decide;
    the office may serve it only later (ours does once the report is public)."""
    return (
        office_status_before is None
        and update.status in RECEIVED
        and delivery.sent_at is not None
        and abs(update.updated_at - delivery.sent_at) <= RECEIPT_MARGIN
    )


def _reopened_there(update: client.RemoteUpdate, office_status_before: str | None) -> bool:
    """The office had finished the work and now shows the request open again."""
    return (
        office_status_before in FINISHED and bool(update.status) and update.status not in FINISHED
    )


def _apply(report: Report, officer, update: client.RemoteUpdate, office_status_before) -> str:
    if report.status in ANSWERED_STATUSES and _reopened_there(update, office_status_before):
        # The reopen action recomputes the deadlines' watch and tells the reporter, as when
        # a manager reopens from the dashboard; the office's words are the public reason.
        actions.report_reopen(
            report=report,
            acting_user=officer,
            reason=update.description or _reopened_reason(update.status),
        )
        return "reopened"
    if update.status in FINISHED and report.status in HANDLING_STATUSES:
        actions.report_resolve(
            report=report,
            acting_user=officer,
            answer=update.description or _finished_answer(update.status),
        )
        return "resolved"
    done = []
    if update.status in WORK_STARTED and report.status == Report.Status.ACCEPTED:
        report = actions.report_start(report=report, acting_user=officer)
        done.append("started")
    if update.description and report.status in HANDLING_STATUSES:
        actions.report_post_update(report=report, acting_user=officer, message=update.description)
        done.append("public update")
    return " and ".join(done) or "nothing to do"


def updates_fetch(*, endpoint: BackOfficeEndpoint, now=None) -> dict[str, int]:
    """Reads the back office's updates since the last read and applies those about reports we
    sent it. Returns how many updates ended how."""
    now = now or timezone.now()
    start = (endpoint.updates_read_until or now - FIRST_WINDOW) - OVERLAP
    start = max(start, now - MAX_WINDOW)
    updates = client.updates_get(endpoint, start=start, end=now)
    deliveries = {
        delivery.external_id: delivery
        for delivery in BackOfficeDelivery.objects.filter(
            endpoint=endpoint,
            state=BackOfficeDelivery.State.SENT,
            external_id__in={update.service_request_id for update in updates},
        ).select_related("endpoint__acting_officer")
    }
    outcomes: dict[str, int] = {}
    for update in updates:
        delivery = deliveries.get(update.service_request_id)
        if delivery is None:
            continue  # a report the office had from elsewhere
        outcome = update_apply(delivery=delivery, update=update)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    BackOfficeEndpoint.objects.filter(pk=endpoint.pk).update(updates_read_until=now)
    # What the office served and what became of it: the first thing to read when an agency
    # says an update of theirs never arrived.
    logger.info(
        "Read %d updates of %s from %s to %s: %s", len(updates), endpoint, start, now, outcomes
    )
    return outcomes
