"""Keeps sent SMS in ``outbox`` in memory, like Django's locmem email backend, for tests."""

from __future__ import annotations

from camau_portal.notifications.sms_backends import SmsBackend, SmsMessage

outbox: list[SmsMessage] = []


class LocmemSmsBackend(SmsBackend):
    def send(self, message: SmsMessage) -> str:
        outbox.append(message)
        return f"locmem-{len(outbox)}"
