"""From a posted report form to a filed report: the steps the form page and the device's
outbox share (a key already filed, the photos, validation, nearby reports, the rate limit)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from enum import StrEnum

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from camau_portal.request_text import is_usable_text
from reports.intake import selectors as intake_selectors
from reports.intake.actions import report_submit
from reports.intake.forms import ReportForm
from reports.intake.photos import photo_stage_once, staged_photo_discard
from reports.intake.submit_rate import photo_upload_count, submit_allowance_used, submit_count
from reports.intake.uploads import photo_owner
from reports.models import Report

# The tracking codes this browser filed: only they show the confirmation page.
SUBMITTED_SESSION_KEY = "submitted_reports"


class Outcome(StrEnum):
    FILED = "filed"  # a new report, or the one filed earlier under the same client key
    INVALID = "invalid"
    NEARBY = "nearby"  # open reports of the same kind nearby are offered first
    RATE_LIMITED = "rate_limited"


@dataclass
class Submission:
    outcome: Outcome
    form: ReportForm
    report: Report | None = None
    photos: list = field(default_factory=list)
    photo_errors: list[str] = field(default_factory=list)
    photo_gps: tuple[float, float] | None = None
    nearby: list = field(default_factory=list)


def posted_client_key(request) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.POST.get("client_key", ""))
    except ValueError:
        return None


def submit_report_form(request) -> Submission:
    """Files the report posted with the report form, or says why not.

    A client key already filed answers with that report before anything else: the device is
    retrying an attempt whose answer it lost, so nothing is staged, offered or counted again.
    """
    form = ReportForm(request.POST, user=request.user)
    client_key = posted_client_key(request)
    if client_key is not None:
        filed = intake_selectors.report_for_client_key(client_key)
        if filed is not None:
            remember_submitted(request, filed)
            return Submission(Outcome.FILED, form, report=filed)
    owner = photo_owner(request, client_key)
    if submit_allowance_used(request):  # before any photo is decoded or stored
        photos = intake_selectors.staged_photos(
            keys=_photo_keys(request, "photo_keys") or [], staged_by=owner
        )
        return _refused_over_rate(form, photos=photos)
    photos, photo_errors, gps = stage_uploads(request, owner)
    kept = {"photos": photos, "photo_errors": photo_errors, "photo_gps": gps}
    if not form.is_valid() or photo_errors:
        return Submission(Outcome.INVALID, form, **kept)
    data = form.cleaned_data
    if data["latitude"] is not None and not data["nearby_checked"]:
        nearby = intake_selectors.nearby_open_reports(
            category_id=data["category"].pk, latitude=data["latitude"], longitude=data["longitude"]
        )
        if nearby:  # "Already reported?": offered once, then "submit anyway" goes through.
            return Submission(Outcome.NEARBY, form, nearby=nearby, **kept)
    if not submit_count(request):  # another tab of the same client got there first
        return _refused_over_rate(form, **kept)
    try:
        report = report_submit(
            **form.submitted_fields(),
            contact_allowed=data["contact_allowed"],
            name_hidden=data["name_hidden"],
            language=get_language() or settings.LANGUAGE_CODE,
            photo_keys=[photo.key for photo in photos],
            photos_staged_by=owner,
            client_key=data["client_key"],
            acting_user=request.user,
        )
    except ValidationError as error:
        for field_name, messages_ in error.message_dict.items():
            form.add_error(field_name if field_name in form.fields else None, messages_)
        return Submission(Outcome.INVALID, form, **kept)
    remember_submitted(request, report)
    return Submission(Outcome.FILED, form, report=report)


def over_rate_message() -> str:
    return _(
        "You have sent several reports in a short time. Please wait a few "
        "minutes and try again; what you typed is kept."
    )


def too_many_uploads_message() -> str:
    return _(
        "You have uploaded many photos in a short time. Please wait a while before adding "
        "more; what you typed is kept."
    )


def _refused_over_rate(form: ReportForm, **kept) -> Submission:
    form.add_error(None, over_rate_message())
    return Submission(Outcome.RATE_LIMITED, form, **kept)


def remember_submitted(request, report: Report) -> None:
    code = report.tracking_code
    submitted = [seen for seen in request.session.get(SUBMITTED_SESSION_KEY, []) if seen != code]
    request.session[SUBMITTED_SESSION_KEY] = [*submitted[-19:], code]


def stage_uploads(request, owner: str) -> tuple[list, list[str], tuple | None]:
    """Stages new uploads next to the photos kept from an earlier attempt of the form.

    Returns the staged photos in order, the error messages for refused files, and the GPS
    position of the first photo that carried one (to suggest the pin).
    """
    errors, gps = [], None
    removed, kept_keys = _photo_keys(request, "remove_photo"), _photo_keys(request, "photo_keys")
    if removed is None or kept_keys is None:
        errors.append(_("A photo kept from your last attempt could not be read; add it again."))
    for key in removed or ():
        staged_photo_discard(key=key, staged_by=owner)
    photos = intake_selectors.staged_photos(keys=kept_keys or [], staged_by=owner)
    if len(photos) > settings.PHOTOS_PER_REPORT:
        errors.append(
            ngettext(
                "At most %(max)s photo per report.",
                "At most %(max)s photos per report.",
                settings.PHOTOS_PER_REPORT,
            )
            % {"max": settings.PHOTOS_PER_REPORT}
        )
    for upload in request.FILES.getlist("photos"):
        if len(photos) >= settings.PHOTOS_PER_REPORT:
            errors.append(
                _("At most %(count)d photos per report; %(name)s was not added.")
                % {"count": settings.PHOTOS_PER_REPORT, "name": upload.name}
            )
            continue
        if not photo_upload_count(request):
            errors.append(too_many_uploads_message())
            break
        try:
            staged = photo_stage_once(upload=upload, staged_by=owner, position=len(photos))
        except ValidationError as error:  # the message names the file
            errors.extend(error.messages)
            continue
        if staged.photo in photos:
            continue  # the same photo chosen twice
        photos.append(staged.photo)
        if gps is None and staged.gps is not None:
            gps = staged.gps
    return photos, errors, gps


def _photo_keys(request, name: str) -> list[str] | None:
    """The photo keys the form sent back in ``name``; None when one cannot be a key at all."""
    keys = request.POST.getlist(name)
    return keys if all(is_usable_text(key) for key in keys) else None
