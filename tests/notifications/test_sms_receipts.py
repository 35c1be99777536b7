"""Delivery receipts from the SMSC land on the SMS they are about."""

import pytest
from django.test import override_settings

from camau_portal.notifications.delivery import deliver_outbound_email, record_delivery_receipt
from camau_portal.notifications.models import OutboundEmail
from camau_portal.notifications.sms_backends import DeliveryReceipt, reset_sms_backend
from camau_portal.notifications.tasks import read_sms_receipts
from tests.integration.smsc import Smsc
from tests.reports.support import submit_report

pytestmark = pytest.mark.django_db


def test_the_receipt_task_marks_the_texts_delivered_or_not(catalogue):
    reached = submit_report(reporter_email="", reporter_phone="0912345678")
    unreached = submit_report(reporter_email="", reporter_phone="0987654321")
    with (
        Smsc() as smsc,
        override_settings(
            SMS_BACKEND="camau_portal.notifications.sms_backends.smpp.SmppSmsBackend",
            SMS_SMPP_HOST="127.0.0.1",
            SMS_SMPP_PORT=smsc.port,
            SMS_SMPP_SYSTEM_ID="camau",
            SMS_DELIVERY_RECEIPTS=True,
        ),
    ):
        reset_sms_backend()
        rows = {}
        for report, state in ((reached, "DELIVRD"), (unreached, "UNDELIV")):
            smsc.behaviour.receipt_state = state
            rows[state] = OutboundEmail.objects.get(report_id=report.pk)
            deliver_outbound_email(rows[state].pk)
        reset_sms_backend()
        assert read_sms_receipts() == 2
    for state, row in rows.items():
        row.refresh_from_db()
        assert (row.status, row.delivery_report) == ("sent", state)
        assert row.delivery_reported_at is not None
        assert row.provider_message_id in smsc.receipts_acknowledged


def test_a_receipt_for_one_part_of_a_long_text_finds_its_row(catalogue):
    report = submit_report(reporter_email="", reporter_phone="0912345678")
    row = OutboundEmail.objects.get(report_id=report.pk)
    OutboundEmail.objects.filter(pk=row.pk).update(provider_message_id="A1,A2,A3", status="sent")
    for part in ("A1", "A2", "A3"):
        assert record_delivery_receipt(DeliveryReceipt(part, "DELIVRD")) == 1
    assert record_delivery_receipt(DeliveryReceipt("A", "DELIVRD")) == 0  # not a prefix match
    assert record_delivery_receipt(DeliveryReceipt("ZZ", "DELIVRD")) == 0  # not ours
