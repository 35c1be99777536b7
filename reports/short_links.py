"""Short links for text messages: ``/r/<key>`` opens the reporter's private page and
``/s/<key>`` their SMS opt-out, where the key is the tracking code's eight symbols and eight
more of a keyed hash (short enough for one SMS segment, as unguessable as the private link:
the code alone never opens either)."""

from __future__ import annotations

import base64

from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

from reports.models import Follower, Report
from reports.tracking import normalise_tracking_code

_PRIVATE_SALT = "reports.short-link.private"
_STOP_SALT = "reports.short-link.sms-stop"
KEY_LENGTH = 16


def _signature(code: str, salt: str) -> str:
    digest = salted_hmac(salt, code, algorithm="sha256").digest()
    return base64.b32encode(digest).decode()[:8]


def _key(code: str, salt: str) -> str:
    return code.replace("CM-", "").replace("-", "") + _signature(code, salt)


def _code_for(key: str, salt: str) -> str | None:
    key = (key or "").strip().upper()
    if len(key) != KEY_LENGTH or not key.isascii() or not key.isalnum():
        return None
    code = normalise_tracking_code(key[:8])
    if code is None or not constant_time_compare(key[8:], _signature(code, salt)):
        return None
    return code


def private_short_path(report: Report) -> str:
    return reverse("reports:short_link", kwargs={"key": _key(report.tracking_code, _PRIVATE_SALT)})


def sms_stop_short_path(report: Report) -> str:
    return reverse("reports:sms_stop", kwargs={"key": _key(report.tracking_code, _STOP_SALT)})


def report_for_private_key(key: str) -> Report | None:
    code = _code_for(key, _PRIVATE_SALT)
    return Report.objects.filter(tracking_code=code).first() if code else None


def sms_follower_for_stop_key(key: str) -> Follower | None:
    """The reporter who follows the report by phone, for the opt-out link in their SMS."""
    code = _code_for(key, _STOP_SALT)
    if code is None:
        return None
    return (
        Follower.objects.filter(report__tracking_code=code, is_reporter=True)
        .exclude(phone="")
        .first()
    )
