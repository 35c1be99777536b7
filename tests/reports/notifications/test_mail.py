"""Rendering and sending one outbox row (reports.notifications.mail): in the recipient's
language, once, retried with growing delays, re-queued when the broker lost it."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone, translation

from camau_portal.notifications.delivery import (
    FAILED,
    RETRY,
    SENT,
    SKIPPED,
    deliver_outbound_email,
    requeue_pending_emails,
)
from camau_portal.notifications.models import OutboundEmail
from camau_portal.notifications.rendering import render_message
from camau_portal.notifications.tasks import send_outbound_email
from reports.models import Follower, Report, ReportEvent
from reports.notifications.queue import queue_event_emails
from services.models import Department
from tests.reports.support import FollowerFactory, ReportEventFactory, public_event, submit_report

pytestmark = pytest.mark.django_db


class FailingBackend(BaseEmailBackend):
    """An SMTP server that refuses every message (the outside world, failing)."""

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server unreachable")


def test_submission_acknowledgement_reaches_the_reporter_once(
    catalogue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = submit_report(reporter_email="ba@example.org")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ba@example.org"]
    assert report.tracking_code in message.subject
    assert report.tracking_code in message.body
    assert f"/reports/{report.tracking_code}/p/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert report.tracking_code in html
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    row = OutboundEmail.objects.get()
    assert (row.status, row.attempts) == (OutboundEmail.Status.SENT, 1)
    assert row.sent_at is not None


def test_delivering_a_row_twice_sends_it_once(catalogue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        submit_report()
    row = OutboundEmail.objects.get()
    assert deliver_outbound_email(row.pk).outcome == SENT
    assert deliver_outbound_email(row.pk).outcome == SKIPPED
    assert send_outbound_email.delay(row.pk).get() == SKIPPED
    assert len(mail.outbox) == 1


def test_emails_are_in_each_recipients_language(catalogue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = submit_report(language="en")
    FollowerFactory(report=report, email="vi@example.org", language="vi")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        public_event(report, ReportEvent.Kind.CLOSED)
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects[report.reporter_email] == f"Report {report.tracking_code} is closed"
    assert subjects["vi@example.org"] == f"Phản ánh {report.tracking_code} đã đóng"


def test_a_row_queued_before_unsubscribing_is_not_sent(
    catalogue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        report = submit_report()
    Follower.objects.filter(report=report).update(is_subscribed=False)
    row = OutboundEmail.objects.get()
    assert deliver_outbound_email(row.pk).outcome == SKIPPED
    assert mail.outbox == []


def test_a_row_whose_report_was_deleted_is_withdrawn(catalogue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        report = submit_report()
    row = OutboundEmail.objects.get()
    Report.objects.filter(pk=report.pk).delete()

    assert deliver_outbound_email(row.pk).outcome == SKIPPED
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("failed", 0, "report deleted")
    assert mail.outbox == []


def test_failures_are_retried_with_growing_jittered_delays_then_marked_failed(
    catalogue, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.reports.notifications.test_mail.FailingBackend"
    with django_capture_on_commit_callbacks(execute=False):
        submit_report()
    row = OutboundEmail.objects.get()
    delays = []
    for _ in range(7):
        before = timezone.now()
        delivery = deliver_outbound_email(row.pk)
        assert delivery.outcome == RETRY
        row.refresh_from_db()
        assert row.status == OutboundEmail.Status.PENDING
        assert "SMTP server unreachable" in row.last_error
        delays.append((row.next_attempt_at - before).total_seconds())
    assert delays[0] == pytest.approx(60, rel=0.21)
    assert delays[-1] == pytest.approx(720 * 60, rel=0.21)
    assert delays == sorted(delays)
    assert deliver_outbound_email(row.pk).outcome == FAILED
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboundEmail.Status.FAILED, 8)


def test_requeue_leaves_fresh_rows_and_leases_the_rows_it_takes(
    catalogue, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        submit_report()
        submit_report()
    old, fresh = OutboundEmail.objects.order_by("pk")
    OutboundEmail.objects.filter(pk=old.pk).update(
        next_attempt_at=timezone.now() - timedelta(minutes=5)
    )
    grace, lease = timedelta(minutes=2), timedelta(minutes=10)
    assert requeue_pending_emails(grace=grace, lease=lease) == [old.pk]
    assert requeue_pending_emails(grace=grace, lease=lease) == []
    old.refresh_from_db()
    assert old.next_attempt_at > timezone.now() + timedelta(minutes=9)


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize(
    "kind",
    [
        ReportEvent.Kind.SUBMITTED,
        ReportEvent.Kind.ACCEPTED,
        ReportEvent.Kind.REJECTED,
        ReportEvent.Kind.MARKED_DUPLICATE,
        ReportEvent.Kind.INFO_REQUESTED,
        ReportEvent.Kind.PUBLIC_UPDATE,
        ReportEvent.Kind.DEADLINE_EXTENDED,
        ReportEvent.Kind.RESOLVED,
        ReportEvent.Kind.REOPENED,
        ReportEvent.Kind.CLOSED,
    ],
)
def test_every_public_event_renders_in_html_and_text(catalogue, kind, language):
    report = submit_report(language=language, title="Đèn <đường> & cống")
    department = Department.objects.get(code="IOC")
    original = submit_report()
    Report.objects.filter(pk=report.pk).update(
        department=department,
        resolution_due_at=timezone.now() + timedelta(days=3),
        public_reason="Không thuộc phạm vi" if kind == ReportEvent.Kind.REJECTED else "",
        duplicate_of=original if kind == ReportEvent.Kind.MARKED_DUPLICATE else None,
        status="duplicate" if kind == ReportEvent.Kind.MARKED_DUPLICATE else "submitted",
    )
    event = ReportEventFactory(
        report=report, kind=kind, department=department, public_message="Nội dung trả lời"
    )
    OutboundEmail.objects.all().delete()
    queue_event_emails(event)
    row = OutboundEmail.objects.get(event_id=event.pk)
    message = render_message(row)
    html = message.alternatives[0][0]
    for part in (message.subject, message.body, html):
        assert report.tracking_code in part
        assert "{{" not in part and "{%" not in part
    assert "Đèn <đường> & cống" in message.body  # plain text is not HTML-escaped
    assert "Đèn &lt;đường&gt; &amp; cống" in html
    assert "\n" not in message.subject
    if kind != ReportEvent.Kind.SUBMITTED and kind != ReportEvent.Kind.INFO_REQUESTED:
        assert "Nội dung trả lời" in message.body or kind == ReportEvent.Kind.REJECTED
    if kind == ReportEvent.Kind.REJECTED:
        assert "Nội dung trả lời" in message.body
    if kind == ReportEvent.Kind.MARKED_DUPLICATE:
        assert original.tracking_code in message.body
    if kind == ReportEvent.Kind.ACCEPTED:
        with translation.override(language):
            assert department.name in message.body
