"""Updates read from an agency's back office, applied to our reports through the same handling
actions as in the dashboard (so deadlines, the first-response clock and the emails follow), in
the name of the officer the back office is configured with. Each update is applied once.

How an update's status reads (GeoReport's two states and mySociety's extended ones, the way
FixMyStreet reads them): work under way starts the work; a final status resolves the report,
its description becoming the public answer; any other description is a public update.
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
from reports.handling import actions
from reports.models import BackOfficeDelivery, BackOfficeEndpoint, BackOfficeUpdate, Report
from reports.workflow import HANDLING_STATUSES, NotAllowed

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
# Reading overlaps the previous window by this much: an update the back office wrote while
# the last read ran is not missed (each is applied once anyway).
OVERLAP = timedelta(minutes=10)
FIRST_WINDOW = timedelta(days=7)
MAX_WINDOW = timedelta(days=89)


def _finished_answer(status: str) -> str:
    return _("The agency's system reports the work finished (%(status)s).") % {
        "status": status.replace("_", " ")
    }


def update_apply(*, delivery: BackOfficeDelivery, update: client.RemoteUpdate) -> str:
    """Applies one update to the delivery's report; returns what it did. Updates the back
    office wrote before it received the report (its own receipt) are not news to anyone."""
    endpoint = delivery.endpoint
    try:
        with transaction.atomic():
            BackOfficeUpdate.objects.create(
                delivery=delivery, update_id=update.update_id, status=update.status
            )
            # Update times come in whole seconds: before the second the office answered in.
            if delivery.sent_at and update.updated_at < delivery.sent_at.replace(microsecond=0):
                return "receipt"
            report = Report.objects.get(pk=delivery.report_id)
            if report.department_id != endpoint.department_id:
                return "transferred away"
            officer = endpoint.acting_officer
            with override(report.language):
                return _apply(report, officer, update)
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
            BackOfficeUpdate.objects.get_or_create(
                delivery=delivery, update_id=update.update_id, defaults={"status": update.status}
            )
        return "refused"


def _apply(report: Report, officer, update: client.RemoteUpdate) -> str:
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
    return outcomes
