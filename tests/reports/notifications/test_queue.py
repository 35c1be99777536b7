"""Who is emailed about what (reports.notifications.queue): one outbox row per event and
recipient, written in the event's transaction, sent after commit."""

import pytest
from django.core import mail

from camau_portal.notifications.models import OutboundEmail
from reports.models import ReportEvent
from reports.notifications.queue import queue_event_emails
from tests.reports.support import FollowerFactory, public_event, submit_report

pytestmark = pytest.mark.django_db


def test_rows_are_written_in_the_events_transaction_and_sent_after_commit(
    catalogue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submit_report()
    assert OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING).count() == 1
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1


def test_producing_twice_for_one_event_sends_nothing_twice(
    catalogue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = submit_report()
    event = report.events.get()
    with django_capture_on_commit_callbacks(execute=True):
        queue_event_emails(event)
        queue_event_emails(event)
    assert OutboundEmail.objects.count() == 1
    assert len(mail.outbox) == 1


def test_followers_hear_public_events_but_not_the_reporters_private_ones(
    catalogue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = submit_report(
            reporter_name="Trần Thị Bé", reporter_email="be@example.org", reporter_phone="0912"
        )
    FollowerFactory(report=report, email="neighbour@example.org", language="en")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        public_event(report, ReportEvent.Kind.INFO_REQUESTED, public_message="Which house?")
    assert [m.to for m in mail.outbox] == [["be@example.org"]]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        public_event(report, ReportEvent.Kind.RESOLVED, public_message="Đã vá ổ gà.")
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert set(by_recipient) == {"be@example.org", "neighbour@example.org"}
    to_neighbour = by_recipient["neighbour@example.org"]
    everything = to_neighbour.subject + to_neighbour.body + to_neighbour.alternatives[0][0]
    assert "Đã vá ổ gà." in everything
    for private in ("Trần Thị Bé", "be@example.org", "0912", "/p/"):
        assert private not in everything
    assert "/p/" in by_recipient["be@example.org"].body


def test_internal_events_are_not_emailed(catalogue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = submit_report()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        public_event(report, ReportEvent.Kind.NOTE, is_public=False, internal_note="secret")
        public_event(report, ReportEvent.Kind.ASSIGNED, is_public=False)
        public_event(report, ReportEvent.Kind.DEADLINE_EXTENDED, is_public=False)
    assert mail.outbox == []
