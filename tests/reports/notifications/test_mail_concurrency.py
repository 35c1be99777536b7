"""Deliveries of one outbox row that overlap send it once."""

import pytest
from django.core import mail

from camau_portal.notifications.delivery import SENT, SKIPPED, deliver_outbound_email
from camau_portal.notifications.models import OutboundEmail
from tests.concurrency import in_parallel, postgres_only
from tests.reports.support import submit_report

pytestmark = [*postgres_only, pytest.mark.django_db(transaction=True)]


def test_concurrent_deliveries_of_one_row_send_it_once(catalogue):
    submit_report()
    row = OutboundEmail.objects.get(template="event_submitted")
    OutboundEmail.objects.filter(pk=row.pk).update(status=OutboundEmail.Status.PENDING)
    mail.outbox.clear()
    outcomes = in_parallel(lambda: deliver_outbound_email(row.pk).outcome, times=4)
    assert sorted(outcomes) == [SENT, SKIPPED, SKIPPED, SKIPPED]
    assert len(mail.outbox) == 1
