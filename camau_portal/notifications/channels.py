"""How each channel sends one outbox row: the interface every channel (email, SMS) offers the
delivery, so each gets the same guarantees (one row per event and recipient, locking, retries
with backoff, the outbox scan after an outage)."""

from __future__ import annotations

from typing import Protocol

from camau_portal.notifications.models import OutboundEmail
from camau_portal.notifications.rendering import render_message, render_sms
from camau_portal.notifications.sms_backends import SmsMessage, SmsRefused, sms_backend


class Undeliverable(Exception):
    """The provider refused this message for good: marked failed, never retried."""


class Channel(Protocol):
    def send(self, row: OutboundEmail) -> str:
        """Renders and hands over ``row``; returns the provider's id for it ("" if none).
        Raises ``rendering.Withdrawn`` (not to be sent), ``Undeliverable`` (refused for good)
        or anything else (retried later)."""


class EmailChannel:
    def send(self, row: OutboundEmail) -> str:
        render_message(row).send()
        return ""


class SmsChannel:
    def send(self, row: OutboundEmail) -> str:
        message = SmsMessage(to=row.recipient, body=render_sms(row), reference=row.dedupe_key)
        try:
            return sms_backend().send(message)
        except SmsRefused as refused:
            raise Undeliverable(str(refused)) from refused


CHANNELS: dict[str, Channel] = {
    OutboundEmail.Channel.EMAIL: EmailChannel(),
    OutboundEmail.Channel.SMS: SmsChannel(),
}


def channel_for(row: OutboundEmail) -> Channel:
    return CHANNELS[row.channel]
