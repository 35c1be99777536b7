"""The report form as an installable app that works offline: the service worker, the manifest,
and the two endpoints the device's outbox sends to (a photo at a time, then the report)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms.forms import NON_FIELD_ERRORS
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import condition, require_POST, require_safe

from reports.intake.offline import service_worker_script, web_app_manifest, worker_version
from reports.intake.photos import photo_stage_once
from reports.intake.submission import (
    Outcome,
    Submission,
    over_rate_message,
    posted_client_key,
    submit_report_form,
    too_many_uploads_message,
)
from reports.intake.submit_rate import photo_upload_count, submit_allowance_used
from reports.intake.uploads import photo_owner
from reports.private_link import private_report_url


@require_safe
@condition(etag_func=lambda request: worker_version())
def service_worker(request):
    # Served from the site's root so its scope may cover the report form; "no-cache" makes the
    # browser ask for it each time (a 304 while nothing changed), so a release reaches devices.
    response = HttpResponse(
        service_worker_script(version=worker_version()),
        content_type="text/javascript; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache"
    return response


@require_safe
@cache_control(max_age=24 * 3600)
def web_manifest(request):
    return JsonResponse(
        web_app_manifest(),
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )


_ANSWER_STATUS = {Outcome.INVALID: 400, Outcome.NEARBY: 409, Outcome.RATE_LIMITED: 429}


@never_cache
@require_POST
def outbox_report(request):
    """A report from the device's outbox, answered in JSON. The same client key always gets
    the same answer once filed: the tracking code, the confirmation page, the private link."""
    if posted_client_key(request) is None:
        return JsonResponse(
            {"outcome": Outcome.INVALID, "errors": [_("The report has no client key.")]},
            status=400,
        )
    submission = submit_report_form(request)
    if submission.outcome is Outcome.FILED:
        report = submission.report
        return JsonResponse(
            {
                "outcome": Outcome.FILED,
                "tracking_code": report.tracking_code,
                "confirmation_url": reverse(
                    "reports:submitted", kwargs={"code": report.tracking_code}
                ),
                "private_url": request.build_absolute_uri(private_report_url(report)),
            }
        )
    return JsonResponse(
        {"outcome": submission.outcome, "errors": _error_messages(submission)},
        status=_ANSWER_STATUS[submission.outcome],
    )


@never_cache
@require_POST
def outbox_photo(request):
    """Stages one photo of an outbox report under its client key; the same photo sent again
    (its answer was lost) gets the same key back."""
    if submit_allowance_used(request):  # before the upload is looked at
        return JsonResponse({"errors": [over_rate_message()]}, status=429)
    client_key = posted_client_key(request)
    upload = request.FILES.get("photo")
    if client_key is None or upload is None:
        return JsonResponse(
            {"errors": [_("Send one photo with the report's client key.")]}, status=400
        )
    if not photo_upload_count(request):
        return JsonResponse({"errors": [too_many_uploads_message()]}, status=429)
    try:
        staged = photo_stage_once(
            upload=upload,
            staged_by=photo_owner(request, client_key),
            max_staged=settings.PHOTOS_PER_REPORT,
        )
    except ValidationError as error:
        return JsonResponse({"errors": error.messages}, status=400)
    return JsonResponse({"key": staged.photo.key}, status=201)


def _error_messages(submission: Submission) -> list[str]:
    """The form's errors as sentences the outbox can show next to the report."""
    form = submission.form
    messages = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name != NON_FIELD_ERRORS else None
        messages.extend(f"{label}: {error}" if label else str(error) for error in errors)
    messages.extend(submission.photo_errors)
    if submission.outcome is Outcome.NEARBY:
        messages.append(
            _(
                "These reports of the same kind are open within 250 m. You can follow one "
                "of them instead of sending a new report."
            )
        )
    return messages
