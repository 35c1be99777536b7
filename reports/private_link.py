"""The reporter's private link: a signed token bound to one tracking code.

The token is an HMAC of the code, so it needs no storage and cannot be guessed from the code;
it does not expire, because reporters come back to a report months later.
"""

from django.core import signing
from django.urls import reverse

_SALT = "reports.private-link"


def private_token(tracking_code: str) -> str:
    return signing.Signer(salt=_SALT).sign(tracking_code).rsplit(":", 1)[1]


def private_token_valid(tracking_code: str, token: str | None) -> bool:
    if not token:
        return False
    try:
        signing.Signer(salt=_SALT).unsign(f"{tracking_code}:{token}")
    except signing.BadSignature:
        return False
    return True


def private_report_url(report) -> str:
    return reverse(
        "reports:private",
        kwargs={"code": report.tracking_code, "token": private_token(report.tracking_code)},
    )
