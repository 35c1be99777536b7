"""The delivery of reports to agencies' back offices: one outbox row per report and back
office, written in the transaction that dispatches the report (so it exists exactly when the
dispatch does), sent by a task after commit, retried with a growing delay, and re-queued by
beat if its task never reached the broker. Every outcome goes on the staff timeline."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.backoffice import client
from reports.events import event_record
from reports.models import BackOfficeDelivery, BackOfficeEndpoint, Photo, Report, ReportEvent

State = BackOfficeDelivery.State
# Tries in all, and the delays between them: 1, 2, 4… minutes, at most an hour (a back office
# down for a day gets its report within the hour after it is back, until the tries run out).
MAX_ATTEMPTS = 12
FIRST_DELAY = timedelta(minutes=1)
MAX_DELAY = timedelta(hours=1)

# Sent after commit with ``delivery_id``: a delivery is due (reports.backoffice.tasks sends it).
delivery_due = Signal()


def retry_delay(attempts: int) -> timedelta:
    return min(FIRST_DELAY * 2 ** max(attempts - 1, 0), MAX_DELAY)


def _announce(delivery_id: int) -> None:
    transaction.on_commit(
        lambda: delivery_due.send(sender=BackOfficeDelivery, delivery_id=delivery_id),
        robust=True,
    )


def delivery_queue(*, report: Report, department_id: int) -> BackOfficeDelivery | None:
    """Within the dispatching action's transaction: the report goes to the agency's back
    office, if it has an active one. A report the office already received is not sent again;
    one that failed before is tried afresh."""
    endpoint = BackOfficeEndpoint.objects.filter(
        department_id=department_id, is_active=True
    ).first()
    if endpoint is None:
        return None
    delivery, created = BackOfficeDelivery.objects.get_or_create(
        report=report, endpoint=endpoint, defaults={"next_attempt_at": timezone.now()}
    )
    if not created and delivery.state != State.FAILED:
        return delivery
    if not created:
        delivery.state, delivery.attempts, delivery.next_attempt_at = (
            State.PENDING,
            0,
            timezone.now(),
        )
        delivery.save(update_fields=["state", "attempts", "next_attempt_at"])
    _announce(delivery.pk)
    return delivery


def request_fields(report: Report, endpoint: BackOfficeEndpoint) -> dict:
    """The report as an Open311 POST. The reporter's contact details go only where the
    reporter allowed the agency to contact them, as on the dashboard."""
    fields = {
        "service_code": endpoint.service_code_for(report.category.code),
        "description": f"{report.title}\n\n{report.description}".strip(),
        "address_string": report.address or report.commune.name,
        "attribute[portal_id]": report.tracking_code,
        "attribute[portal_url]": settings.PORTAL_BASE_URL.rstrip("/") + report.get_absolute_url(),
        "locale": report.language,
    }
    if report.has_location:
        fields["lat"], fields["long"] = f"{report.latitude:.6f}", f"{report.longitude:.6f}"
    if report.contact_allowed:
        # Vietnamese names run family name first: the whole name as given, never split.
        fields.update(
            first_name=report.reporter_name,
            email=report.reporter_email,
            phone=report.reporter_phone,
        )
    photo = Photo.objects.filter(report=report, is_hidden=False).order_by("position", "id").first()
    if photo is not None:
        url = default_storage.url(photo.image.name)
        if url.startswith("/"):
            url = settings.PORTAL_BASE_URL.rstrip("/") + url
        fields["media_url"] = url
    return {key: value for key, value in fields.items() if value not in ("", None)}


def delivery_send(*, delivery_id: int) -> str:
    """One try at a due delivery. The row stays locked while the back office answers, so two
    workers never send the same report twice. Returns the outcome; the caller queues the next
    try at ``next_attempt_at`` when it says "retry"."""
    with transaction.atomic():
        delivery = (
            BackOfficeDelivery.objects.select_for_update(skip_locked=True)
            .select_related("endpoint", "report__category", "report__commune")
            .filter(pk=delivery_id, state=State.PENDING)
            .first()
        )
        if delivery is None:
            return "not due"
        report, endpoint = delivery.report, delivery.endpoint
        delivery.attempts += 1
        now = timezone.now()
        try:
            external_id = client.request_post(endpoint, request_fields(report, endpoint))
        except client.BackOfficeError as error:
            delivery.last_error = str(error)[:1000]
            if error.may_pass and delivery.attempts < MAX_ATTEMPTS:
                delivery.next_attempt_at = now + retry_delay(delivery.attempts)
                delivery.save(update_fields=["attempts", "last_error", "next_attempt_at"])
                return "retry"
            delivery.state = State.FAILED
            delivery.next_attempt_at = None
            delivery.save(update_fields=["state", "attempts", "last_error", "next_attempt_at"])
            event_record(
                report=Report.objects.select_for_update(of=("self",)).get(pk=report.pk),
                kind=ReportEvent.Kind.BACK_OFFICE_FAILED,
                acting_user=None,
                at=now,
                department=endpoint.department,
                internal_note=_(
                    "The report could not be sent to the agency's system after %(count)d "
                    "tries: %(error)s"
                )
                % {"count": delivery.attempts, "error": delivery.last_error},
                data={"attempts": delivery.attempts, "error": delivery.last_error},
            )
            return "failed"
        now = timezone.now()  # after the answer: what the office wrote before it is its receipt
        delivery.state, delivery.external_id = State.SENT, external_id
        delivery.sent_at, delivery.next_attempt_at, delivery.last_error = now, None, ""
        delivery.save(
            update_fields=[
                "state",
                "attempts",
                "external_id",
                "sent_at",
                "next_attempt_at",
                "last_error",
            ]
        )
        event_record(
            report=Report.objects.select_for_update(of=("self",)).get(pk=report.pk),
            kind=ReportEvent.Kind.SENT_TO_BACK_OFFICE,
            acting_user=None,
            at=now,
            department=endpoint.department,
            data={"external_id": external_id, "attempts": delivery.attempts},
        )
        return "sent"


def deliveries_due(*, now, grace: timedelta, limit: int = 200) -> list[int]:
    """Pending deliveries whose try is overdue by ``grace``: their task was lost (a broker
    outage, a worker killed). Each is given a new lease so the next scan does not queue it
    again while it waits."""
    with transaction.atomic():
        due = list(
            BackOfficeDelivery.objects.select_for_update(skip_locked=True)
            .filter(state=State.PENDING, next_attempt_at__lte=now - grace)
            .order_by("next_attempt_at")
            .values_list("id", flat=True)[:limit]
        )
        BackOfficeDelivery.objects.filter(pk__in=due).update(next_attempt_at=now)
    return due


def deliveries_of(report: Report) -> list[BackOfficeDelivery]:
    """A report's deliveries, for the workbench."""
    return list(
        BackOfficeDelivery.objects.filter(report=report)
        .select_related("endpoint__department")
        .order_by("created_at")
    )
