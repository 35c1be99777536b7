"""Renders and sends one outbox row, in the recipient's language, as HTML and plain text."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from reports.models import Follower, OutboundEmail

RETRY_DELAYS = [timedelta(minutes=m) for m in (1, 5, 15, 60, 180, 360, 720)]


def absolute_url(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def build_context(row: OutboundEmail) -> dict:
    context = {"base_url": settings.PORTAL_BASE_URL.rstrip("/"), **row.context}
    if row.report_id:
        report = row.report
        context["report"] = report
        context["report_url"] = absolute_url(report.get_absolute_url())
    if row.event_id:
        context["event"] = row.event
    follower_id = row.context.get("follower_id")
    if follower_id:
        follower = Follower.objects.filter(pk=follower_id).first()
        if follower:
            context["unsubscribe_url"] = absolute_url(
                reverse("reports:unsubscribe", kwargs={"token": follower.unsubscribe_token})
            )
            if follower.is_reporter and row.report_id:
                from reports.access import private_report_url

                context["private_url"] = absolute_url(private_report_url(row.report))
    return context


def deliver_outbound_email(outbound_email_id: int) -> str:
    with transaction.atomic():
        row = (
            OutboundEmail.objects.select_for_update(of=("self",))
            .select_related("report", "event")
            .filter(pk=outbound_email_id)
            .first()
        )
        if row is None or row.status != OutboundEmail.Status.PENDING:
            return "skipped"
        with translation.override(row.language):
            context = build_context(row)
            subject = render_to_string(f"emails/{row.template}_subject.txt", context).strip()
            text = render_to_string(f"emails/{row.template}.txt", context)
            html = render_to_string(f"emails/{row.template}.html", context)
        message = EmailMultiAlternatives(
            subject=" ".join(subject.split()), body=text, to=[row.recipient]
        )
        message.attach_alternative(html, "text/html")
        if "unsubscribe_url" in context:
            message.extra_headers["List-Unsubscribe"] = f"<{context['unsubscribe_url']}>"
        row.attempts += 1
        try:
            message.send()
        except Exception as exc:  # SMTP and network errors: retry later with backoff
            row.last_error = f"{exc.__class__.__name__}: {exc}"[:2000]
            if row.attempts > len(RETRY_DELAYS):
                row.status = OutboundEmail.Status.FAILED
            else:
                row.next_attempt_at = timezone.now() + RETRY_DELAYS[row.attempts - 1]
            row.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
            return "failed"
        row.status = OutboundEmail.Status.SENT
        row.sent_at = timezone.now()
        row.last_error = ""
        row.save(update_fields=["attempts", "status", "sent_at", "last_error"])
        return "sent"
