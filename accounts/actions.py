"""Writes for citizen accounts: sign-up, email confirmation, account emails.

Account emails go through the outbox (``camau_portal.notifications``), written in the
same transaction as the change and sent by a task after commit, so a broker outage delays an
email but never loses it. Each kind of email is sent to one account at most once per window
(the outbox's unique ``dedupe_key``), which also stops anyone flooding a mailbox through the
public forms. The rows hold no link: the secret link is made when the email is rendered
(``accounts.templatetags.account_links``), so the outbox never stores a working token.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.signals import email_confirmed
from camau_portal.notifications.models import OutboundEmail
from camau_portal.notifications.outbox import publish_on_commit

logger = logging.getLogger(__name__)

# Windows (seconds) within which an account gets a given email only once.
VERIFY_EMAIL_WINDOW = 120
PASSWORD_RESET_EMAIL_WINDOW = 300
ACCOUNT_EXISTS_EMAIL_WINDOW = 600


class EmailTaken(ValidationError):
    """An account with this address exists already."""


@transaction.atomic
def user_sign_up(
    *,
    email: str,
    password: str,
    full_name: str,
    phone: str = "",
    preferred_language: str,
) -> User:
    """Create an unconfirmed citizen account and queue the email with its confirmation link.

    Raises ``EmailTaken`` when the address is in use (compared without case). The caller must
    not tell the visitor so (that would reveal who has an account): see ``account_exists_notify``.
    Guest reports join the account only once the address is confirmed.
    """
    email = User.objects.normalize_email(email).strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise EmailTaken(_("An account with this email address already exists."), code="taken")
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=email,
                password=password,
                full_name=full_name.strip(),
                phone=phone.strip(),
                preferred_language=preferred_language,
            )
    except IntegrityError:  # signed up twice at the same moment
        raise EmailTaken(
            _("An account with this email address already exists."), code="taken"
        ) from None
    verification_email_queue(user=user)
    logger.info("Account %s signed up", user.pk)
    return user


def verification_email_queue(*, user: User) -> OutboundEmail | None:
    """Queue the email with the link that confirms ``user``'s address (none if confirmed)."""
    if user.email_verified:
        return None
    return _account_email_queue(user=user, template="account_verify", window=VERIFY_EMAIL_WINDOW)


def password_reset_email_queue(*, user: User) -> OutboundEmail | None:
    return _account_email_queue(
        user=user, template="account_password_reset", window=PASSWORD_RESET_EMAIL_WINDOW
    )


def account_exists_notify(*, user: User) -> OutboundEmail | None:
    """Someone signed up with the address of an existing account: tell its owner, nobody else."""
    return _account_email_queue(
        user=user, template="account_exists", window=ACCOUNT_EXISTS_EMAIL_WINDOW
    )


@transaction.atomic
def user_verify_email(*, user: User) -> int:
    """Mark ``user``'s address confirmed and announce it (``email_confirmed``): the reports
    made as a guest with it join the account.

    Only call it once the owner of the mailbox has proved it (a verification link with the
    password, or a password reset). Idempotent. Returns the number of reports joined.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.email_verified:
        user.email_verified = True
        user.save(update_fields=["email_verified"])
        logger.info("Account %s confirmed its email address", user.pk)
    responses = email_confirmed.send(sender=User, user=user)
    return sum(joined for _receiver, joined in responses if isinstance(joined, int))


def user_language_remember(*, user: User, language: str) -> bool:
    """Save ``language`` as the language ``user`` reads the portal and their emails in.

    Called when someone signs in: the language they were browsing in is the one they chose
    last, so the account follows it (never the other way round). Unknown codes are ignored.
    Returns whether the account changed.
    """
    if language not in dict(settings.LANGUAGES) or user.preferred_language == language:
        return False
    changed = User.objects.filter(pk=user.pk).update(preferred_language=language)
    user.preferred_language = language
    return bool(changed)


def _account_email_queue(*, user: User, template: str, window: int) -> OutboundEmail | None:
    bucket = int(time.time()) // window
    with transaction.atomic():
        row, created = OutboundEmail.objects.get_or_create(
            dedupe_key=f"account:{template}:{user.pk}:{bucket}",
            defaults={
                "template": template,
                "recipient": user.email,
                "language": user.preferred_language,
                "context": {"user_id": user.pk, "full_name": user.full_name},
                "next_attempt_at": timezone.now(),
            },
        )
        if not created:
            return None
        publish_on_commit([row.pk])
    return row
