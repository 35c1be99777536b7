"""The report page as the public, its reporter (private link) and staff see it; tracking;
following; the signed-in citizen's own reports."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_ratelimit.core import is_ratelimited

from reports.handling.selectors import reporter_options
from reports.intake.forms import FollowForm, TrackForm
from reports.permissions import staff_access
from reports.private_link import private_report_url, private_token_valid
from reports.public import selectors
from reports.public.visibility import public_outcome
from reports.subscriptions import report_follow_request

SUBMITTED_SESSION_KEY = "submitted_reports"
MY_REPORTS_PER_PAGE = 20


def _detail_context(report, *, private: bool, staff: bool) -> dict:
    return {
        "report": report,
        "photos": selectors.report_photos(report, include_hidden=staff),
        "timeline": (
            selectors.reporter_timeline(report)
            if private
            else selectors.report_timeline(report, public_only=not staff)
        ),
        "due_by": selectors.promised_resolution(report),
        "is_private_view": private,
        "follow_form": FollowForm(),
    }


@require_safe
def report_detail(request, code: str):
    report = selectors.report_by_code(code)
    if report is None:
        raise Http404
    # Staff of the handling agency, intake and leaders see it before publication and with
    # moderated photos; other staff see what the public sees.
    staff = staff_access(request.user).can_view(report)
    if report.is_public or staff:
        return render(
            request, "reports/detail.html", _detail_context(report, private=False, staff=staff)
        )
    outcome = public_outcome(report)
    if outcome is not None:
        return render(request, "reports/outcome.html", {"report": report, "outcome": outcome})
    if code in request.session.get(SUBMITTED_SESSION_KEY, []):
        return redirect(private_report_url(report))
    return render(request, "reports/not_public.html", {"code": code}, status=404)


@require_safe
def report_private(request, code: str, token: str):
    if not private_token_valid(code, token):
        raise Http404
    report = selectors.report_by_code(code)
    if report is None:
        raise Http404
    context = _detail_context(report, private=True, staff=False)
    context["private_token"] = token
    context["reporter_options"] = reporter_options(report, now=timezone.now())
    return render(request, "reports/detail.html", context)


@require_POST
def report_follow_view(request, code: str):
    report = selectors.report_by_code(code)
    if report is None or not report.is_public:
        raise Http404
    data = request.POST.copy()
    # "Follow this one instead" posts the whole report form: its email field is reporter_email.
    data.setdefault("email", data.get("reporter_email", ""))
    if not data["email"] and request.user.is_authenticated:
        data["email"] = request.user.email
    form = FollowForm(data)
    if not form.is_valid():
        return _follow_form_again(request, report, form, status=400)
    if is_ratelimited(  # per client address (django-ratelimit, see settings)
        request, group="report-follow", key="ip", rate=settings.REPORT_FOLLOW_RATE, increment=True
    ):
        form.add_error(
            None,
            _(
                "You have asked to follow reports several times in a short while. "
                "Please wait a while and try again."
            ),
        )
        return _follow_form_again(request, report, form, status=429)
    follower = report_follow_request(
        report=report,
        email=form.cleaned_data["email"],
        language=get_language() or settings.LANGUAGE_CODE,
        acting_user=request.user,
    )
    if follower.confirmed_at is not None and follower.is_subscribed:
        messages.success(request, _("Thank you. We will email you when this report changes."))
    else:
        messages.info(
            request,
            _(
                "We have sent a link to %(email)s. Open it to start receiving emails about "
                "this report."
            )
            % {"email": follower.email},
        )
    return redirect(report)


def _follow_form_again(request, report, form, *, status: int):
    context = _detail_context(report, private=False, staff=False)
    context["follow_form"] = form
    return render(request, "reports/detail.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def track(request):
    form = TrackForm(request.POST or request.GET or None)
    if form.is_bound and form.is_valid():
        code = form.cleaned_data["code"]
        report = selectors.report_by_code(code)
        if report is not None:
            return redirect("reports:detail", code=code)
        form.add_error("code", _("No report has this tracking code. Check it and try again."))
    return render(request, "reports/track.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def my_reports(request):
    """The signed-in citizen's reports, each with its private link. Served at
    /accounts/my-reports/ (camau_portal.urls puts it in the account area)."""
    page = Paginator(selectors.reports_of_user(user=request.user), MY_REPORTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    rows = [(report, private_report_url(report)) for report in page.object_list]
    return render(request, "reports/my_reports.html", {"page": page, "rows": rows})
