"""Sign-in lockouts: django-axes, with one failure limit per kind of guessing.

Axes counts failed sign-ins in the database (its database handler) and refuses every
``authenticate()`` while a limit is reached, whichever form called it (staff, admin, citizens).
The database, not Redis, so that a Redis outage never stops anyone signing in.

Axes compares one failure count with one limit; the policy has three (``LOGIN_FAILURE_LIMITS``:
one account from one address, one account from anywhere, one address against any account).
``TieredLimitsDatabaseHandler`` scales each count onto the first limit, so a count reaches
axes' limit exactly when it reaches its own. Every sign-in form shows ``LOCKED_OUT_MESSAGE``
through ``sign_in_blocked``.
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

LOCKED_OUT_MESSAGE = _(
    "Too many failed attempts. Sign-in is blocked for 15 minutes; try again later."
)
# Axes answers a blocked attempt with this status; the page is the form, showing the message.
LOCKED_OUT_STATUS = 429


def sign_in_blocked(request) -> bool:
    """Whether the last authenticate() on this request was refused, or reached a limit."""
    return bool(getattr(request, "axes_locked_out", False))


def account_of(request, credentials: dict | None) -> str | None:
    """The account a sign-in attempt names, as every form spells it: the staff form passes
    ``email``, Django's forms ``username``; capitals and spaces do not make a new account."""
    source = credentials if credentials is not None else getattr(request, "POST", {})
    account = source.get("email") or source.get("username") or ""
    return account.strip().lower() or None


def lockout_response(request, original_response, credentials):
    """The sign-in page as the view rendered it (it names the lockout), marked 429."""
    original_response.status_code = LOCKED_OUT_STATUS
    return original_response


class TieredLimitsDatabaseHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials: dict | None = None) -> int:
        limits = settings.LOGIN_FAILURE_LIMITS
        scale = settings.AXES_FAILURE_LIMIT
        tiers = zip(self.get_user_attempts(request, credentials), limits, strict=True)
        return max(
            (attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0) * scale // limit
            for attempts, limit in tiers
        )

    def reset_user_attempts(self, request, credentials: dict | None = None) -> int:
        # A sign-in proves the account only: the address keeps its failures against others,
        # or one account of an attacker's own would wipe the count of its guesses.
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count
