"""The citizen's pages: report a problem, see and track a report, follow one."""

from __future__ import annotations

import contextlib

from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from reports.intake import selectors as intake_selectors
from reports.intake.forms import ReportForm
from reports.intake.offline import outbox_messages
from reports.intake.photo_fields import PhotoInput
from reports.intake.submission import SUBMITTED_SESSION_KEY, Outcome, submit_report_form
from reports.private_link import private_report_url
from reports.public import selectors
from services.geo import province_geography


@require_http_methods(["GET", "HEAD", "POST"])
def report_new(request):
    if request.method in ("GET", "HEAD"):
        form = ReportForm(user=request.user, initial=_initial_from_query(request))
        return _render_report_form(request, form)
    submission = submit_report_form(request)
    if submission.outcome is Outcome.FILED:
        return redirect("reports:submitted", code=submission.report.tracking_code)
    return _render_report_form(
        request,
        submission.form,
        photos=submission.photos,
        photo_errors=submission.photo_errors,
        photo_gps=submission.photo_gps,
        nearby=submission.nearby,
        status=_FORM_STATUS[submission.outcome],
    )


_FORM_STATUS = {Outcome.INVALID: 400, Outcome.NEARBY: 200, Outcome.RATE_LIMITED: 429}


def _refuse_over_rate(request, form, **kept):
    form.add_error(
        None,
        _(
            "You have sent several reports in a short time. Please wait a few "
            "minutes and try again; what you typed is kept."
        ),
    )
    return _render_report_form(request, form, status=429, **kept)


def _render_report_form(
    request, form, *, photos=(), photo_errors=(), photo_gps=None, nearby=(), status=200
):
    return render(
        request,
        "reports/new.html",
        {
            "form": form,
            "photos": photos,
            "photo_errors": photo_errors,
            "photo_gps": photo_gps,
            "nearby": nearby,
            "max_photos": settings.PHOTOS_PER_REPORT,
            "csrf_cookie_name": settings.CSRF_COOKIE_NAME,
            "outbox_messages": outbox_messages(),
            "photo_input": PhotoInput(
                attrs={
                    "id": "id_photos",
                    "class": "form-control" + (" is-invalid" if photo_errors else ""),
                    "aria-describedby": " ".join(
                        [f"photo-error-{n}" for n in range(1, len(photo_errors) + 1)]
                        + ["photo-help"]
                    ),
                },
                max_files=settings.PHOTOS_PER_REPORT - len(photos),
            ).render("photos", None),
        },
        status=status,
    )


def _initial_from_query(request) -> dict:
    initial = {}
    for name in ("latitude", "longitude"):
        with contextlib.suppress(KeyError, ValueError):
            initial[name] = float(request.GET[name])
    return initial


@require_safe
def report_submitted(request, code: str):
    if code not in request.session.get(SUBMITTED_SESSION_KEY, []):
        return redirect("reports:detail", code=code)
    report = selectors.report_by_code(code)
    if report is None:
        raise Http404
    return render(
        request,
        "reports/submitted.html",
        {
            "report": report,
            "private_url": request.build_absolute_uri(private_report_url(report)),
        },
    )


@require_safe
def nearby_reports(request):
    """Already reported? Candidates for the form while the reporter fills it in."""
    try:
        category_id = int(request.GET["category"])
        latitude = float(request.GET["latitude"])
        longitude = float(request.GET["longitude"])
    except (KeyError, ValueError):
        return render(request, "reports/_nearby.html", {"nearby": []})
    nearby = intake_selectors.nearby_open_reports(
        category_id=category_id, latitude=latitude, longitude=longitude
    )
    return render(request, "reports/_nearby.html", {"nearby": nearby, "inline": True})


@require_safe
def commune_for_point(request):
    """The commune suggested for a pin, and whether the pin is inside the province at all."""
    try:
        latitude = float(request.GET["latitude"])
        longitude = float(request.GET["longitude"])
    except (KeyError, ValueError):
        return JsonResponse({"error": _("Latitude and longitude are required.")}, status=400)
    geography = province_geography()
    if not geography.contains(latitude, longitude):
        return JsonResponse(
            {"inside_province": False, "message": _("This point is outside Cà Mau province.")}
        )
    commune_id = geography.suggest_commune(latitude, longitude)
    return JsonResponse(
        {
            "inside_province": True,
            "commune": {"id": commune_id, "name": intake_selectors.commune_name(commune_id)},
            "by_boundary": geography.commune_containing(latitude, longitude) is not None,
        }
    )
