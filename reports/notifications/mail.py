"""Renders and sends one outbox row, in the recipient's language, as HTML and plain text.

Delivery locks the row, sends, and marks it in one transaction, so two deliveries of the same
row (a re-queued task next to the original) never both send: the second waits for the lock
and finds the row sent. A worker that dies mid-send rolls the transaction back and the row is
sent again by the redelivered task; the stable Message-ID lets mail clients fold that rare
repeat. Failures are retried with growing, jittered delays, then the row is marked failed.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import timedelta
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime

from reports.models import DeadlineReminder, Follower, OutboundEmail
from services.models import Department

RETRY_DELAYS = [timedelta(minutes=m) for m in (1, 5, 15, 60, 180, 360, 720)]
RETRY_JITTER = 0.2

SENT = "sent"
SKIPPED = "skipped"
RETRY = "retry"
FAILED = "failed"


@dataclass(frozen=True)
class Delivery:
    outcome: str
    retry_in: timedelta | None = None


def absolute_url(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def staff_report_url(report) -> str:
    """The staff dashboard's page of a report."""
    try:
        return absolute_url(reverse("staff:report", kwargs={"code": report.tracking_code}))
    except NoReverseMatch:  # a deployment without the staff dashboard
        return absolute_url(report.get_absolute_url())


def _datetimes(value):
    """ISO strings stored in the row's JSON context come back as datetimes (and dates) for
    templates: keys ending in "_at" (and "date"), in nested lists and dictionaries too."""
    if isinstance(value, list):
        return [_datetimes(item) for item in value]
    if not isinstance(value, dict):
        return value
    converted = {}
    for key, item in value.items():
        if isinstance(item, str) and key.endswith("_at"):
            item = parse_datetime(item)
        elif isinstance(item, str) and key == "date":
            item = parse_date(item)
        converted[key] = _datetimes(item)
    return converted


def build_context(row: OutboundEmail) -> dict:
    context = _datetimes({"base_url": settings.PORTAL_BASE_URL.rstrip("/"), **row.context})
    if row.report_id:
        report = row.report
        context["report"] = report
        context["report_url"] = absolute_url(report.get_absolute_url())
        if row.template.startswith("staff_"):
            context["staff_url"] = staff_report_url(report)
        if report.duplicate_of_id:
            context["original_url"] = absolute_url(report.duplicate_of.get_absolute_url())
    if row.event_id:
        context["event"] = row.event
    if row.context.get("department_id"):
        context["department"] = Department.objects.filter(pk=row.context["department_id"]).first()
    follower_id = row.context.get("follower_id")
    if follower_id:
        follower = Follower.objects.filter(pk=follower_id).first()
        if follower:
            context["unsubscribe_url"] = absolute_url(
                reverse("reports:unsubscribe", kwargs={"token": follower.unsubscribe_token})
            )
            if follower.is_reporter and row.report_id:
                from reports.private_link import private_report_url

                context["private_url"] = absolute_url(private_report_url(row.report))
    if "clock" in context:
        context["clock_label"] = DeadlineReminder.Clock(context["clock"]).label
    context["link_url"] = context.get("private_url") or context.get("report_url")
    return context


def render_message(row: OutboundEmail) -> EmailMultiAlternatives:
    with translation.override(row.language), timezone.override(settings.TIME_ZONE):
        context = build_context(row)
        subject = render_to_string(f"emails/{row.template}_subject.txt", context).strip()
        text = render_to_string(f"emails/{row.template}.txt", context)
        html = render_to_string(f"emails/{row.template}.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()), body=text, to=[row.recipient]
    )
    message.attach_alternative(html, "text/html")
    message.extra_headers["Message-ID"] = _message_id(row)
    message.extra_headers["Auto-Submitted"] = "auto-generated"
    if "unsubscribe_url" in context:
        # RFC 8058 one-click: mail clients POST "List-Unsubscribe=One-Click" to the URL.
        message.extra_headers["List-Unsubscribe"] = f"<{context['unsubscribe_url']}>"
        message.extra_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return message


def _message_id(row: OutboundEmail) -> str:
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    digest = hashlib.sha256(row.dedupe_key.encode()).hexdigest()[:16]
    return f"<outbox.{row.pk}.{digest}@{domain}>"


def retry_delay(attempts: int) -> timedelta:
    """Growing delays with +/-20 % jitter, so a provider outage is not hammered in step."""
    base = RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1]
    return base * random.uniform(1 - RETRY_JITTER, 1 + RETRY_JITTER)


def deliver_outbound_email(outbound_email_id: int) -> Delivery:
    """Sends a pending row once. Idempotent: a row already sent or failed is left alone."""
    with transaction.atomic():
        row = (
            OutboundEmail.objects.select_for_update(of=("self",))
            .select_related("report", "event")
            .filter(pk=outbound_email_id)
            .first()
        )
        if row is None or row.status != OutboundEmail.Status.PENDING:
            return Delivery(SKIPPED)
        if (
            row.context.get("follower_id")
            and not Follower.objects.filter(
                pk=row.context["follower_id"], is_subscribed=True
            ).exists()
        ):
            # Unsubscribed between the event and the sending.
            row.status = OutboundEmail.Status.FAILED
            row.last_error = "unsubscribed"
            row.save(update_fields=["status", "last_error"])
            return Delivery(SKIPPED)
        row.attempts += 1
        try:
            render_message(row).send()
        except Exception as exc:  # SMTP, network and template errors: retry later
            row.last_error = f"{exc.__class__.__name__}: {exc}"[:2000]
            if row.attempts > len(RETRY_DELAYS):
                row.status = OutboundEmail.Status.FAILED
                row.save(update_fields=["attempts", "last_error", "status"])
                return Delivery(FAILED)
            delay = retry_delay(row.attempts)
            row.next_attempt_at = timezone.now() + delay
            row.save(update_fields=["attempts", "last_error", "next_attempt_at"])
            return Delivery(RETRY, delay)
        row.status = OutboundEmail.Status.SENT
        row.sent_at = timezone.now()
        row.last_error = ""
        row.save(update_fields=["attempts", "status", "sent_at", "last_error"])
        return Delivery(SENT)


def requeue_pending_emails(*, grace: timedelta, lease: timedelta, limit: int = 1000) -> list[int]:
    """Pending rows whose sending is overdue by ``grace`` (their task was never published, or
    was lost): they are claimed for ``lease`` so the next scan does not queue them again, and
    their ids returned for the caller to publish."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(status=OutboundEmail.Status.PENDING, next_attempt_at__lte=now - grace)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            OutboundEmail.objects.filter(pk__in=ids).update(next_attempt_at=now + lease)
    return ids
