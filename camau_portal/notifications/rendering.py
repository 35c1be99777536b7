"""Renders one outbox row in the recipient's language: an email as HTML and plain text, an SMS
as one short text.

Email templates are ``emails/<template>_subject.txt``, ``emails/<template>.txt`` and
``emails/<template>.html``; an SMS is ``sms/<template>.txt``, its spaces folded, and sent
without diacritics when that keeps it to one segment (``sms_text``). Their context is the
row's own JSON context plus what the context processors registered by the apps above add (the
report and its links, for instance); a processor raises ``Withdrawn`` when the message must no
longer go out at all.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime

from camau_portal.notifications.models import OutboundEmail
from camau_portal.notifications.sms_text import SmsText, sms_text

ContextProcessor = Callable[[OutboundEmail], dict]

_context_processors: list[ContextProcessor] = []


class Withdrawn(Exception):
    """The email must not be sent any more (its recipient unsubscribed, its subject is gone);
    the message says why and is kept on the row."""


def register_context_processor(processor: ContextProcessor) -> ContextProcessor:
    """Adds ``processor`` (called with the row, returning more template context) to every
    rendering. Call it from ``AppConfig.ready``; registering twice has no effect."""
    if processor not in _context_processors:
        _context_processors.append(processor)
    return processor


def absolute_url(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def _datetimes(value):
    """ISO strings stored in the row's JSON context come back as datetimes (and dates) for
    templates: keys ending in "_at" (and "date"), in nested lists and dictionaries too."""
    if isinstance(value, list):
        return [_datetimes(item) for item in value]
    if not isinstance(value, dict):
        return value
    converted = {}
    for key, item in value.items():
        if isinstance(item, str) and key.endswith("_at"):
            item = parse_datetime(item)
        elif isinstance(item, str) and key == "date":
            item = parse_date(item)
        converted[key] = _datetimes(item)
    return converted


def build_context(row: OutboundEmail) -> dict:
    context = _datetimes({"base_url": settings.PORTAL_BASE_URL.rstrip("/"), **row.context})
    for processor in _context_processors:
        context.update(processor(row))
    return context


def render_message(row: OutboundEmail) -> EmailMultiAlternatives:
    """The email for ``row``. Raises ``Withdrawn`` when a context processor refuses it."""
    with translation.override(row.language), timezone.override(settings.TIME_ZONE):
        context = build_context(row)
        subject = render_to_string(f"emails/{row.template}_subject.txt", context).strip()
        text = render_to_string(f"emails/{row.template}.txt", context)
        html = render_to_string(f"emails/{row.template}.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()), body=text, to=[row.recipient]
    )
    message.attach_alternative(html, "text/html")
    message.extra_headers["Message-ID"] = _message_id(row)
    message.extra_headers["Auto-Submitted"] = "auto-generated"
    if "unsubscribe_url" in context:
        # RFC 8058 one-click: mail clients POST "List-Unsubscribe=One-Click" to the URL.
        message.extra_headers["List-Unsubscribe"] = f"<{context['unsubscribe_url']}>"
        message.extra_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return message


def render_sms(row: OutboundEmail) -> SmsText:
    """The SMS for ``row``. Raises ``Withdrawn`` when a context processor refuses it."""
    with translation.override(row.language), timezone.override(settings.TIME_ZONE):
        context = build_context(row)
        text = render_to_string(f"sms/{row.template}.txt", context)
    return sms_text(text)


def _message_id(row: OutboundEmail) -> str:
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    digest = hashlib.sha256(row.dedupe_key.encode()).hexdigest()[:16]
    return f"<outbox.{row.pk}.{digest}@{domain}>"
