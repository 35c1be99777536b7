"""The citizen's pages: report a problem, see and track a report, follow one."""

from __future__ import annotations

import contextlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from reports.intake import selectors as intake_selectors
from reports.intake.actions import report_submit
from reports.intake.forms import ReportForm
from reports.intake.photo_fields import PhotoInput
from reports.intake.photos import photo_stage, staged_photo_discard
from reports.intake.submit_rate import submit_allowance_used, submit_count
from reports.intake.uploads import session_key
from reports.private_link import private_report_url
from reports.public import selectors
from services.geo import province_geography

SUBMITTED_SESSION_KEY = "submitted_reports"


def _stage_uploads(request) -> tuple[list, list[str], tuple | None]:
    """Stages new uploads next to the photos kept from an earlier attempt of the form.

    Returns the staged photos in order, the error messages for refused files, and the GPS
    position of the first photo that carried one (to suggest the pin).
    """
    staged_by = session_key(request)
    for key in request.POST.getlist("remove_photo"):
        staged_photo_discard(key=key, staged_by=staged_by)
    photos = intake_selectors.staged_photos(
        keys=request.POST.getlist("photo_keys"), staged_by=staged_by
    )
    errors, gps = [], None
    for upload in request.FILES.getlist("photos"):
        if len(photos) >= settings.PHOTOS_PER_REPORT:
            errors.append(
                _("At most %(count)d photos per report; %(name)s was not added.")
                % {"count": settings.PHOTOS_PER_REPORT, "name": upload.name}
            )
            continue
        try:
            staged = photo_stage(upload=upload, staged_by=staged_by, position=len(photos))
        except ValidationError as error:
            errors.extend(f"{upload.name}: {message}" for message in error.messages)
            continue
        photos.append(staged.photo)
        if gps is None and staged.gps is not None:
            gps = staged.gps
    return photos, errors, gps


@require_http_methods(["GET", "POST"])
def report_new(request):
    if request.method == "GET":
        form = ReportForm(user=request.user, initial=_initial_from_query(request))
        return _render_report_form(request, form)

    form = ReportForm(request.POST, user=request.user)
    if submit_allowance_used(request):  # before any photo is decoded or stored
        photos = intake_selectors.staged_photos(
            keys=request.POST.getlist("photo_keys"), staged_by=session_key(request)
        )
        return _refuse_over_rate(request, form, photos=photos)
    photos, photo_errors, gps = _stage_uploads(request)
    kept = {"photos": photos, "photo_errors": photo_errors, "photo_gps": gps}
    if not form.is_valid() or photo_errors:
        return _render_report_form(request, form, status=400, **kept)
    data = form.cleaned_data
    if data["latitude"] is not None and not data["nearby_checked"]:
        nearby = intake_selectors.nearby_open_reports(
            category_id=data["category"].pk, latitude=data["latitude"], longitude=data["longitude"]
        )
        if nearby:  # "Already reported?": offered once, then "submit anyway" goes through.
            return _render_report_form(request, form, nearby=nearby, **kept)
    if not submit_count(request):
        return _refuse_over_rate(request, form, **kept)
    try:
        report = report_submit(
            category=data["category"],
            commune=data["commune"],
            title=data["title"],
            description=data["description"],
            latitude=data["latitude"],
            longitude=data["longitude"],
            address=data["address"],
            reporter_name=data["reporter_name"],
            reporter_email=data["reporter_email"],
            reporter_phone=data["reporter_phone"],
            contact_allowed=data["contact_allowed"],
            name_hidden=data["name_hidden"],
            language=get_language() or settings.LANGUAGE_CODE,
            photo_keys=[photo.key for photo in photos],
            photos_staged_by=session_key(request),
            acting_user=request.user,
        )
    except ValidationError as error:
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
        return _render_report_form(request, form, status=400, **kept)
    submitted = request.session.get(SUBMITTED_SESSION_KEY, [])
    request.session[SUBMITTED_SESSION_KEY] = [*submitted[-19:], report.tracking_code]
    return redirect("reports:submitted", code=report.tracking_code)


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
            "photo_input": PhotoInput(
                attrs={
                    "id": "id_photos",
                    "class": "form-control" + (" is-invalid" if photo_errors else ""),
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


@require_GET
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


@require_GET
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


@require_GET
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
