"""The assisted-entry pages of the staff dashboard: the entry form, the code to read out,
"my entries" and "my commune"."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from reports.assisted import selectors
from reports.assisted.consent import code_script, consent_script
from reports.assisted.forms import AssistedReportForm
from reports.intake.actions import report_submit
from reports.intake.photo_fields import PhotoInput
from reports.intake.selectors import report_for_client_key
from reports.intake.submission import posted_client_key, stage_uploads
from reports.intake.uploads import photo_owner
from reports.permissions import entry_required
from reports.private_link import private_report_url


@require_http_methods(["GET", "POST"])
@entry_required
def entry_new(request):
    access = request.staff
    if request.method == "GET":
        form = AssistedReportForm(access=access, initial={"client_key": uuid.uuid4()})
        return _render_form(request, form)
    form = AssistedReportForm(request.POST, access=access)
    client_key = posted_client_key(request)
    if client_key is not None:
        filed = report_for_client_key(client_key)
        if filed is not None and filed.entered_by_id == request.user.pk:
            return redirect("assisted:entered", code=filed.tracking_code)
    owner = photo_owner(request, client_key)
    photos, photo_errors, _gps = stage_uploads(request, owner)
    if not form.is_valid() or photo_errors:
        return _render_form(request, form, photos=photos, photo_errors=photo_errors, status=400)
    fields = form.report_fields()
    try:
        report = report_submit(
            **fields,
            name_hidden=True,
            photo_keys=[photo.key for photo in photos],
            photos_staged_by=owner,
            entered_by=request.user,
            consent_script=consent_script(fields["language"]),
            acting_user=request.user,
        )
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
        return _render_form(request, form, photos=photos, photo_errors=photo_errors, status=400)
    return redirect("assisted:entered", code=report.tracking_code)


def _render_form(request, form, *, photos=(), photo_errors=(), status=200):
    form.describe_errors()
    language = form["language"].value() or settings.LANGUAGE_CODE
    return render(
        request,
        "assisted/entry_form.html",
        {
            "form": form,
            "photos": photos,
            "photo_errors": photo_errors,
            "consent_scripts": [
                (code, name, consent_script(code), code == language)
                for code, name in settings.LANGUAGES
            ],
            "max_photos": settings.PHOTOS_PER_REPORT,
            "photo_input": PhotoInput(
                attrs={
                    "id": "id_photos",
                    "class": "form-control" + (" is-invalid" if photo_errors else ""),
                    "capture": "environment",
                },
                max_files=settings.PHOTOS_PER_REPORT - len(photos),
            ).render("photos", None),
        },
        status=status,
    )


@require_safe
@entry_required
def entry_done(request, code: str):
    """The tracking code and the private link, to read out to the resident."""
    report = selectors.entered_report(request.user, code)
    if report is None:
        raise Http404
    return render(
        request,
        "assisted/entry_done.html",
        {
            "report": report,
            "private_url": request.build_absolute_uri(private_report_url(report)),
            "script": code_script(
                language=report.language, code=report.tracking_code, phone=report.reporter_phone
            ),
        },
    )


@require_safe
@entry_required
def entries(request):
    """My entries: what this person typed in for residents, newest first."""
    page = selectors.entries_page(request.user, cursor=request.GET.get("cursor"))
    return render(request, "assisted/entries.html", {"page": page, "access": request.staff})


@require_safe
@entry_required
def commune_reports(request):
    """My commune: every report of the helper's communes, however it came in, without who
    reported it. Only community helpers have a commune."""
    access = request.staff
    if not access.helper_of:
        return redirect("assisted:entries")
    page = selectors.commune_reports_page(access.helper_of, cursor=request.GET.get("cursor"))
    return render(request, "assisted/commune.html", {"page": page, "access": access})
