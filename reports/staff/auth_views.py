"""Staff sign-in and sign-out, separate from the citizens' pages."""

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from accounts.actions import user_language_remember
from accounts.lockout import LOCKED_OUT_MESSAGE, sign_in_blocked
from camau_portal.request_text import is_usable_text
from reports.permissions import staff_access
from reports.staff.forms import StaffLoginForm


def local_next_url(request, *, default: str) -> str:
    """Where to go back to: the "next" the form or link carries when it is a path on this
    site (never another site, never a view name, never unusable text), else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        target.startswith("/")
        and is_usable_text(target)
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return default


def _next_url(request) -> str:
    return local_next_url(request, default=reverse("staff:reports"))


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def staff_login(request):
    if request.user.is_authenticated and staff_access(request.user).is_staff_member:
        return redirect(_next_url(request))
    form = StaffLoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].lower()
        user = authenticate(request, email=email, password=form.cleaned_data["password"])
        if user is not None and staff_access(user).is_staff_member:
            login(request, user)
            # The dashboard stays in the language the officer was reading in.
            user_language_remember(user=user, language=get_language())
            return redirect(_next_url(request))
        if user is not None:
            form.add_error(None, _("This account has no role in the staff dashboard."))
        elif sign_in_blocked(request):
            form.add_error(None, LOCKED_OUT_MESSAGE)
        else:
            form.add_error(None, _("The email or the password is wrong."))
        status = 400
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "staff/login.html",
        {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")},
        status=status,
    )


@require_POST
def staff_logout(request):
    logout(request)
    messages.info(request, _("You have signed out."))
    return redirect("staff:login")
