"""Where SMS go: the carrier's SMSC over SMPP in production (``smpp``), files under var/sms for
the embedded default (``filebased``), a list in memory for tests (``locmem``).

``settings.SMS_BACKEND`` names the class; ``sms_backend()`` keeps one instance per process, so
a backend may keep its connection open between messages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from camau_portal.notifications.sms_text import SmsText


@dataclass(frozen=True)
class SmsMessage:
    to: str  # E.164
    body: SmsText
    # Stable for the outbox row: lets a file or a log tell a repeat from a new message.
    reference: str


@dataclass(frozen=True)
class DeliveryReceipt:
    """The provider's word on one message it took: did it reach the phone?"""

    message_id: str
    state: str  # as SMPP words it: DELIVRD, UNDELIV, EXPIRED, REJECTD, DELETED, UNKNOWN...


class SmsRefused(Exception):
    """The provider refused this message for good (a number it cannot reach): no retry."""


class SmsBackend:
    def send(self, message: SmsMessage) -> str:
        """Hands ``message`` over; returns the provider's id for it. Raises on failure: an
        ``SmsRefused`` is final, anything else is retried later."""
        raise NotImplementedError

    def read_receipts(self, handle: Callable[[DeliveryReceipt], None]) -> int:
        """Collects the delivery receipts waiting at the provider, calling ``handle`` on each
        before acknowledging it; returns how many. Backends without receipts have none."""
        return 0


@cache
def sms_backend() -> SmsBackend:
    return import_string(settings.SMS_BACKEND)()


def reset_sms_backend() -> None:
    """Forgets the process's backend (after a settings change in tests or a benchmark)."""
    backend = sms_backend() if sms_backend.cache_info().currsize else None
    if backend is not None and hasattr(backend, "close"):
        backend.close()
    sms_backend.cache_clear()
