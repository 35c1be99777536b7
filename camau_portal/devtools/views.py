"""The developer's view of the emails and SMS the embedded default writes to var/mail and
var/sms."""

import email
import json
from email import policy
from pathlib import Path

from csp.decorators import csp_update
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_ratelimit.exceptions import Ratelimited

from camau_portal import errors

# What Django's file email backend writes between two messages.
MAIL_SEPARATOR = b"\n" + b"-" * 79 + b"\n"


def _mail_dir() -> Path:
    if not settings.DEBUG:
        raise Http404
    return Path(getattr(settings, "EMAIL_FILE_PATH", "") or settings.VAR_DIR / "mail")


def _messages(path: Path) -> list[email.message.EmailMessage]:
    chunks = [chunk.strip(b"\n") for chunk in path.read_bytes().split(MAIL_SEPARATOR)]
    return [email.message_from_bytes(chunk, policy=policy.default) for chunk in chunks if chunk]


def _summary(message, index: int) -> dict:
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    return {
        "index": index,
        "subject": message["Subject"],
        "to": message["To"],
        "date": message["Date"],
        "headers": [(key, value) for key, value in message.items()],
        "text": text.get_content() if text else "",
        "html": html.get_content() if html else "",
    }


# The emails shown in the frame carry their own inline styles (as email HTML must); no script.
@csp_update({"style-src": ["'unsafe-inline'"]})
@never_cache
@require_safe
def dev_mail(request, name: str | None = None):
    """DEBUG only: the emails the embedded default wrote to var/mail, newest first."""
    folder = _mail_dir()
    files = sorted(folder.glob("*.log"), key=lambda p: p.stat().st_mtime, reverse=True)
    selected = None
    if name is not None:
        selected = next((path for path in files if path.name == name), None)
        if selected is None:
            raise Http404
    # Not "messages": the base template loops over that name for the flash messages.
    emails = []
    if selected is not None:
        emails = [_summary(m, i) for i, m in enumerate(_messages(selected), start=1)]
    listing = []
    for path in files[:200]:
        first = _messages(path)[:1]
        listing.append(
            {
                "name": path.name,
                "subject": first[0]["Subject"] if first else "",
                "to": first[0]["To"] if first else "",
            }
        )
    return render(
        request,
        "reports/dev_mail.html",
        {"files": listing, "selected": selected.name if selected else None, "emails": emails},
    )


def _sms_dir() -> Path:
    if not settings.DEBUG:
        raise Http404
    return Path(settings.SMS_FILE_PATH)


def _read_sms(path: Path) -> dict | None:
    try:
        return {"name": path.name, **json.loads(path.read_text(encoding="utf-8"))}
    except (OSError, ValueError):
        return None  # removed meanwhile, or not one of ours


@never_cache
@require_safe
def dev_sms(request):
    """DEBUG only: the SMS the embedded default wrote to var/sms (the file backend), newest
    first."""
    folder = _sms_dir()
    files = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    messages = [sms for path in files[:200] if (sms := _read_sms(path)) is not None]
    return render(request, "reports/dev_sms.html", {"sms_messages": messages, "folder": folder})


# The portal's error pages as each failure shows them; with DEBUG on, Django would answer a real
# failure with its technical page instead, so this is the only way to see them in development.
ERROR_PREVIEWS = {
    "404": lambda request: errors.page_not_found(request, Http404()),
    "403": lambda request: errors.permission_denied(request, PermissionDenied()),
    "429": lambda request: errors.permission_denied(request, Ratelimited()),
    "csrf": lambda request: errors.csrf_failure(request),
    "500": lambda request: errors.server_error(request),
}


@never_cache
@require_safe
def error_preview(request, kind: str):
    """DEBUG only: one of the portal's error pages, with its real status."""
    if not settings.DEBUG or kind not in ERROR_PREVIEWS:
        raise Http404
    return ERROR_PREVIEWS[kind](request)


@require_safe
def framework_floor(request):
    """The cheapest page there is, through every middleware: the page benchmark's floor."""
    return HttpResponse("ok", content_type="text/plain")
