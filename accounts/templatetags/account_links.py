"""Secret account links, made when an account email is rendered.

The outbox row only names the account (``user_id``); the link with its token exists only in
the email itself, so reading the outbox (in admin, in a backup) gives no way into an account.
"""

from django import template
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from accounts.tokens import email_verification_token
from camau_portal.notifications.rendering import absolute_url

register = template.Library()


def _link(route: str, user_id, generator) -> str:
    user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None:
        return ""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = generator.make_token(user)
    return absolute_url(reverse(route, kwargs={"uidb64": uidb64, "token": token}))


@register.simple_tag
def account_verify_url(user_id) -> str:
    return _link("accounts:verify", user_id, email_verification_token)


@register.simple_tag
def account_password_reset_url(user_id) -> str:
    return _link("accounts:password_reset_confirm", user_id, default_token_generator)


@register.simple_tag
def account_page_url(route: str) -> str:
    return absolute_url(reverse(route))
