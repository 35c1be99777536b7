"""The citizen's pages: report a problem, see and track a report, follow one."""

from __future__ import annotations

import contextlib

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from camau_portal.client import client_address
from reports import selectors
from reports.access import private_report_url, private_token_valid
from reports.actions.photos import photo_stage, staged_photo_discard
from reports.actions.submission import report_follow, report_submit
from reports.forms import FollowForm, ReportForm, TrackForm
from reports.models import Report, ReportEvent
from reports.permissions import staff_access
from reports.photo_fields import PhotoInput
from reports.ratelimit import Rate, consume
from reports.views.uploads import session_key
from services.geo import province_geography
from services.models import Commune

SUBMITTED_SESSION_KEY = "submitted_reports"


def _stage_uploads(request) -> tuple[list, list[str], tuple | None]:
    """Stages new uploads next to the photos kept from an earlier attempt of the form.

    Returns the staged photos in order, the error messages for refused files, and the GPS
    position of the first photo that carried one (to suggest the pin).
    """
    staged_by = session_key(request)
    for key in request.POST.getlist("remove_photo"):
        staged_photo_discard(key=key, staged_by=staged_by)
    photos = selectors.staged_photos(keys=request.POST.getlist("photo_keys"), staged_by=staged_by)
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
    photos, photo_errors, gps = _stage_uploads(request)
    kept = {"photos": photos, "photo_errors": photo_errors, "photo_gps": gps}
    if not form.is_valid() or photo_errors:
        return _render_report_form(request, form, status=400, **kept)
    data = form.cleaned_data
    if data["latitude"] is not None and not data["nearby_checked"]:
        nearby = selectors.nearby_open_reports(
            category_id=data["category"].pk, latitude=data["latitude"], longitude=data["longitude"]
        )
        if nearby:  # "Already reported?": offered once, then "submit anyway" goes through.
            return _render_report_form(request, form, nearby=nearby, **kept)
    rate = Rate.parse(settings.REPORT_SUBMIT_RATE)
    if not consume(scope="report-submit", identity=client_address(request), rate=rate):
        form.add_error(
            None,
            _(
                "You have sent several reports in a short time. Please wait a few "
                "minutes and try again; what you typed is kept."
            ),
        )
        return _render_report_form(request, form, status=429, **kept)
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


def _detail_context(report, *, private: bool, staff: bool) -> dict:
    return {
        "report": report,
        "photos": selectors.report_photos(report, include_hidden=staff),
        "timeline": selectors.report_timeline(report, public_only=not (private or staff)),
        "is_private_view": private,
        "follow_form": FollowForm(),
    }


@require_GET
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
    if report.status in (Report.Status.REJECTED, Report.Status.DUPLICATE) and not report.is_hidden:
        # Never accepted: the public learns the outcome, not the content.
        return render(request, "reports/outcome.html", {"report": report})
    if code in request.session.get(SUBMITTED_SESSION_KEY, []):
        return redirect(private_report_url(report))
    return render(request, "reports/not_public.html", {"code": code}, status=404)


@require_GET
def report_private(request, code: str, token: str):
    if not private_token_valid(code, token):
        raise Http404
    report = selectors.report_by_code(code)
    if report is None:
        raise Http404
    context = _detail_context(report, private=True, staff=False)
    context["timeline"] = [
        event
        for event in selectors.report_timeline(report, public_only=False)
        if event.is_public
        or event.kind in (ReportEvent.Kind.INFO_REQUESTED, ReportEvent.Kind.INFO_PROVIDED)
    ]
    context["private_token"] = token
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
    if form.is_valid():
        report_follow(
            report=report,
            email=form.cleaned_data["email"],
            language=get_language() or settings.LANGUAGE_CODE,
            acting_user=request.user,
        )
        messages.success(request, _("Thank you. We will email you when this report changes."))
        return redirect(report)
    context = _detail_context(report, private=False, staff=False)
    context["follow_form"] = form
    return render(request, "reports/detail.html", context, status=400)


@require_http_methods(["GET", "POST"])
def track(request):
    form = TrackForm(request.POST or request.GET or None)
    if form.is_bound and form.is_valid():
        code = form.cleaned_data["code"]
        report = selectors.report_by_code(code)
        if report is not None:
            return redirect("reports:detail", code=code)
        form.add_error("code", _("No report has this tracking code. Check it and try again."))
    return render(request, "reports/track.html", {"form": form}, status=400 if form.errors else 200)


@require_GET
def nearby_reports(request):
    """Already reported? Candidates for the form while the reporter fills it in."""
    try:
        category_id = int(request.GET["category"])
        latitude = float(request.GET["latitude"])
        longitude = float(request.GET["longitude"])
    except (KeyError, ValueError):
        return render(request, "reports/_nearby.html", {"nearby": []})
    nearby = selectors.nearby_open_reports(
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
    commune = Commune.objects.filter(pk=commune_id).only("name").first()
    return JsonResponse(
        {
            "inside_province": True,
            "commune": {"id": commune_id, "name": commune.name if commune else ""},
            "by_boundary": geography.commune_containing(latitude, longitude) is not None,
        }
    )
