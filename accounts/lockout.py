"""Brute-force protection for every sign-in form (staff dashboard, admin, citizens).

Failures are counted in the cache, which is shared by all processes in production (Redis) and
in the embedded setup (the file cache). Three counters, each over ``WINDOW``:

* one account from one address: the common case of someone guessing a password;
* one account from any address: a distributed guess at one account;
* one address against any account: one machine trying many accounts.

When a counter reaches its limit, sign-in is refused for that key for ``LOCKOUT`` without
even checking the password (so the guess gains nothing). A successful sign-in clears the
account's counters. ``LockoutModelBackend`` enforces it for every ``authenticate()`` call,
so forms need no code of their own beyond showing the message.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver

from camau_portal.client import client_address

WINDOW = timedelta(minutes=15)
LOCKOUT = timedelta(minutes=15)
LIMITS = {
    "account_address": getattr(settings, "LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS", 5),
    "account": getattr(settings, "LOGIN_FAILURES_PER_ACCOUNT", 20),
    "address": getattr(settings, "LOGIN_FAILURES_PER_ADDRESS", 50),
}


def _digest(value: str) -> str:
    # Emails are not stored in the cache in clear.
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]


def _keys(account: str, address: str) -> dict[str, str]:
    account_key, address_key = _digest(account), _digest(address)
    return {
        "account_address": f"login-fail:aa:{account_key}:{address_key}",
        "account": f"login-fail:a:{account_key}",
        "address": f"login-fail:ip:{address_key}",
    }


def is_locked_out(account: str, address: str) -> bool:
    keys = _keys(account, address)
    locks = cache.get_many([f"{key}:locked" for key in keys.values()])
    return bool(locks)


def register_failure(account: str, address: str) -> None:
    seconds = int(WINDOW.total_seconds())
    for name, key in _keys(account, address).items():
        cache.add(key, 0, seconds)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, seconds)
            count = 1
        if count >= LIMITS[name]:
            cache.set(f"{key}:locked", True, int(LOCKOUT.total_seconds()))


def clear_failures(account: str, address: str) -> None:
    keys = _keys(account, address)
    cache.delete_many(
        [keys["account_address"], f"{keys['account_address']}:locked", keys["account"]]
    )


def _account_from(credentials: dict) -> str:
    field = get_user_model().USERNAME_FIELD
    return str(credentials.get(field) or credentials.get("username") or "")


class LockoutModelBackend(ModelBackend):
    """Django's model backend, refusing locked-out accounts and addresses outright."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        account = username or kwargs.get(get_user_model().USERNAME_FIELD) or ""
        if is_locked_out(account, client_address(request)):
            # PermissionDenied stops every backend and sends user_login_failed.
            raise PermissionDenied
        return super().authenticate(request, username=username, password=password, **kwargs)


@receiver(user_login_failed)
def _count_failure(sender, credentials, request=None, **kwargs):
    account = _account_from(credentials)
    if account:
        register_failure(account, client_address(request))


@receiver(user_logged_in)
def _clear_on_success(sender, request, user, **kwargs):
    clear_failures(getattr(user, user.USERNAME_FIELD), client_address(request))
