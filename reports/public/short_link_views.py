"""The short links in text messages: to the reporter's private page, and to stop the SMS."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from reports.private_link import private_report_url
from reports.short_links import report_for_private_key, sms_follower_for_stop_key


@never_cache
@require_safe
def short_link(request, key: str):
    report = report_for_private_key(key)
    if report is None:
        raise Http404
    return redirect(private_report_url(report))


@never_cache
@require_safe
def sms_stop(request, key: str):
    """To the opt-out page, which asks before it acts (link scanners must not opt anyone out)."""
    follower = sms_follower_for_stop_key(key)
    if follower is None:
        raise Http404
    return redirect(reverse("reports:unsubscribe", kwargs={"token": follower.unsubscribe_token}))
