"""The SMPP backend against the loopback SMSC (tests/integration/smsc.py): what goes on the
wire, one session for many messages, and every failure raised so the outbox retries it."""

from __future__ import annotations

import pytest
from django.test import override_settings

from camau_portal.notifications.sms_backends import DeliveryReceipt, SmsMessage, SmsRefused
from camau_portal.notifications.sms_backends.smpp import SmppError, SmppSmsBackend
from camau_portal.notifications.sms_text import sms_text
from tests.integration.harness import free_port
from tests.integration.smsc import Smsc


def backend_for(smsc: Smsc | None, **overrides) -> SmppSmsBackend:
    settings = {
        "SMS_SMPP_HOST": "127.0.0.1",
        "SMS_SMPP_PORT": smsc.port if smsc else None,
        "SMS_SMPP_SYSTEM_ID": "camau",
        "SMS_SMPP_PASSWORD": "secret",
        "SMS_SMPP_SYSTEM_TYPE": "",
        "SMS_SOURCE_ADDRESS": "UBND CAMAU",
        "SMS_TIMEOUT": 5,
        "SMS_DELIVERY_RECEIPTS": True,
        **overrides,
    }
    with override_settings(**settings):
        return SmppSmsBackend()


def message(text: str, to: str = "+84912345678") -> SmsMessage:
    return SmsMessage(to=to, body=sms_text(text), reference="test")


def test_a_text_goes_as_one_gsm_submit_from_the_brand_name():
    with Smsc() as smsc:
        backend = backend_for(smsc)
        message_id = backend.send(message("Phản ánh CM-4K7P-X9QD đã được tiếp nhận."))
        backend.close()
    [submitted] = smsc.submitted
    assert message_id == submitted.message_id == "SMSC000001"
    assert submitted.destination_addr == "84912345678"
    assert (submitted.dest_addr_ton, submitted.source_addr_ton) == (1, 5)  # international; brand
    assert submitted.source_addr == "UBND CAMAU"
    assert submitted.data_coding == 0  # GSM 7-bit, without diacritics
    assert submitted.text == "Phan anh CM-4K7P-X9QD da duoc tiep nhan."
    assert smsc.binds == ["camau"]


def test_a_long_vietnamese_text_goes_in_ucs2_parts_with_a_concatenation_header():
    text = "Đường Nguyễn Tất Thành ngập sâu, xe máy không qua được. " * 3  # 171 characters
    with Smsc() as smsc:
        backend = backend_for(smsc)
        ids = backend.send(message(text))
        backend.close()
    assert len(smsc.submitted) == 3  # 171 UCS-2 characters: 67 + 67 + 37
    assert ids == "SMSC000001,SMSC000002,SMSC000003"
    assert all(part.data_coding == 8 and part.esm_class & 0x40 for part in smsc.submitted)
    assert "".join(part.text for part in smsc.submitted) == " ".join(text.split())


def test_one_session_carries_many_messages():
    with Smsc() as smsc:
        backend = backend_for(smsc)
        for n in range(5):
            backend.send(message(f"Tin {n}"))
        backend.close()
    assert len(smsc.binds) == 1
    assert [m.text for m in smsc.submitted] == [f"Tin {n}" for n in range(5)]


def test_a_refused_bind_raises_and_the_next_attempt_binds_again():
    with Smsc() as smsc:
        smsc.behaviour.refuse_binds = 1
        backend = backend_for(smsc)
        with pytest.raises(SmppError, match="bind_transmitter"):
            backend.send(message("Lan 1"))
        assert smsc.submitted == []
        backend.send(message("Lan 2"))
        backend.close()
    assert smsc.refused_binds == 1 and smsc.binds == ["camau"]
    assert [m.text for m in smsc.submitted] == ["Lan 2"]


def test_a_wrong_password_is_refused():
    with Smsc() as smsc:
        smsc.behaviour.password = "right"
        with pytest.raises(SmppError, match="bind_transmitter"):
            backend_for(smsc, SMS_SMPP_PASSWORD="wrong").send(message("x"))
    assert smsc.submitted == []


def test_a_connection_dropped_on_submit_raises_and_the_next_send_reconnects():
    with Smsc() as smsc:
        smsc.behaviour.drop_on_submits = 1
        backend = backend_for(smsc)
        with pytest.raises(SmppError, match="connection lost"):
            backend.send(message("Lan 1"))
        backend.send(message("Lan 2"))
        backend.close()
    assert smsc.dropped == 1 and len(smsc.binds) == 2
    assert [m.text for m in smsc.submitted] == ["Lan 2"]


def test_a_throttled_submit_raises_for_a_retry():
    with Smsc() as smsc:
        smsc.behaviour.throttle_submits = 1
        backend = backend_for(smsc)
        with pytest.raises(SmppError, match="0x58"):
            backend.send(message("x"))
        assert not isinstance(SmppError("x"), SmsRefused)
        backend.send(message("y"))
        backend.close()
    assert [m.text for m in smsc.submitted] == ["y"]


def test_a_session_the_smsc_closed_while_idle_is_replaced_before_sending(monkeypatch):
    from camau_portal.notifications.sms_backends import smpp

    with Smsc() as smsc:
        backend = backend_for(smsc)
        backend.send(message("truoc"))
        smsc.drop_connections()
        # Idle long enough to be probed before the next message.
        monkeypatch.setattr(smpp, "IDLE_CHECK_SECONDS", -1)
        backend.send(message("sau"))
        backend.close()
    assert len(smsc.binds) == 2
    assert [m.text for m in smsc.submitted] == ["truoc", "sau"]


def test_an_unreachable_smsc_raises():
    backend = backend_for(None, SMS_SMPP_PORT=free_port())  # nobody listens there
    with pytest.raises(SmppError, match="bind_transmitter"):
        backend.send(message("x"))


def test_receipts_the_smsc_kept_are_read_by_a_short_receiver_session():
    with Smsc() as smsc:
        backend = backend_for(smsc)
        first = backend.send(message("Mot"))
        smsc.behaviour.receipt_state = "UNDELIV"
        second = backend.send(message("Hai", to="+84987654321"))
        backend.close()
        assert smsc.submitted[0].registered_delivery == 1
        received = []
        assert backend.read_receipts(received.append) == 2
        assert backend.read_receipts(received.append) == 0  # acknowledged: not sent again
    assert received == [DeliveryReceipt(first, "DELIVRD"), DeliveryReceipt(second, "UNDELIV")]
    assert smsc.receipts_acknowledged == [first, second]
    assert smsc.binds == ["camau", "camau", "camau"]  # the transmitter, then two receivers


def test_without_receipts_none_is_asked_for():
    with Smsc() as smsc:
        backend = backend_for(smsc, SMS_DELIVERY_RECEIPTS=False)
        backend.send(message("x"))
        backend.close()
    assert smsc.submitted[0].registered_delivery == 0
    assert smsc.receipts_waiting("camau") == 0
