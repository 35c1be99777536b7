"""Pages behind links in emails: confirming a follow, the one-click unsubscribe."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from camau_portal.notifications.phone import masked_phone
from reports.models import Follower
from reports.subscriptions import (
    follower_confirm,
    follower_for_confirm_token,
    follower_set_subscription,
)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def follow_confirm(request, token: str):
    """GET asks to confirm (link scanners must not follow for anyone); POST confirms."""
    follower = follower_for_confirm_token(token)
    if follower is None:
        return render(request, "reports/follow_confirm.html", {"invalid": True}, status=404)
    if request.method in ("GET", "HEAD"):
        return render(
            request,
            "reports/follow_confirm.html",
            {"follower": follower, "report": follower.report},
        )
    follower_confirm(follower=follower, acting_user=request.user)
    messages.success(request, _("Thank you. We will email you when this report changes."))
    return redirect(follower.report)


# The token in the path is the credential, and mail clients that implement RFC 8058 POST
# "List-Unsubscribe=One-Click" without any cookie or CSRF token.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token: str):
    """GET asks for confirmation (link scanners must not unsubscribe anyone); POST acts."""
    if request.method in ("GET", "HEAD"):
        follower = get_object_or_404(
            Follower.objects.select_related("report"), unsubscribe_token=token
        )
        return render(request, "reports/unsubscribe.html", _page_context(follower))
    subscribed = request.POST.get("action") == "resubscribe"
    follower = follower_set_subscription(
        token=token, subscribed=subscribed, acting_user=request.user
    )
    if follower is None:
        raise Http404
    if request.POST.get("List-Unsubscribe") == "One-Click":
        return HttpResponse(status=200)
    return render(request, "reports/unsubscribe.html", {**_page_context(follower), "done": True})


def _page_context(follower: Follower) -> dict:
    # Whoever holds the link sees which phone it stops, never the whole number.
    return {
        "follower": follower,
        "report": follower.report,
        "masked_phone": masked_phone(follower.phone) if follower.phone else "",
    }
