"""The email tasks (camau_portal.notifications.tasks): a broker outage loses no email."""

from unittest import mock

import pytest
from django.core import mail
from kombu.exceptions import OperationalError

from camau_portal.notifications.models import OutboundEmail
from camau_portal.notifications.tasks import requeue_pending_emails_task, send_outbound_email
from reports.models import Report
from tests.reports.support import submit_report

pytestmark = pytest.mark.django_db


def test_a_broker_outage_keeps_the_submission_and_the_scan_sends_the_email_later(
    catalogue, settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_REQUEUE_GRACE_SECONDS = 0
    down = mock.patch.object(
        send_outbound_email, "apply_async", side_effect=OperationalError("Redis is down")
    )
    with down, django_capture_on_commit_callbacks(execute=True):
        report = submit_report()
    assert Report.objects.filter(pk=report.pk).exists()
    assert OutboundEmail.objects.get().status == OutboundEmail.Status.PENDING
    assert mail.outbox == []
    # The broker is back: the periodic scan re-queues the row, and it is sent exactly once.
    assert requeue_pending_emails_task.delay().get() == 1
    assert len(mail.outbox) == 1
    assert requeue_pending_emails_task.delay().get() == 0
    assert len(mail.outbox) == 1
