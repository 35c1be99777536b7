"""Reads of citizen accounts."""

from __future__ import annotations

from accounts.models import User


def user_for_guest_email(email: str) -> User | None:
    """The confirmed, active account a guest report made with ``email`` belongs to, if any.

    For the submit action: a guest report with a confirmed address joins that account.
    """
    email = (email or "").strip()
    if not email:
        return None
    return User.objects.filter(email__iexact=email, email_verified=True, is_active=True).first()
