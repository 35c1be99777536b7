"""The reporter's own actions, reached from their private link (tracking code + token):
answer a request for information, rate the answer."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reports.handling.actions import report_provide_info, report_rate
from reports.handling.reporter_forms import ProvideInfoForm, RateForm
from reports.intake.uploads import photos_staged_for
from reports.models import Photo
from reports.private_link import private_report_url, private_token_valid
from reports.public import selectors
from reports.workflow import NotAllowed


def _report_for_link(code: str, token: str):
    if not private_token_valid(code, token):
        raise Http404
    report = selectors.report_by_code(code)
    if report is None:
        raise Http404
    return report


def _reporter_account(request, report):
    """The signed-in user, when the report is theirs (the event then names them)."""
    user = request.user
    if user.is_authenticated and report.reporter_id == user.pk:
        return user
    return None


def _flash_errors(request, errors) -> None:
    for field_errors in errors.values():
        for error in field_errors:
            messages.error(request, error)


@require_POST
def provide_info(request, code: str, token: str):
    report = _report_for_link(code, token)
    back = redirect(private_report_url(report) + "#reporter-actions")
    form = ProvideInfoForm(request.POST, request.FILES)
    if not form.is_valid():
        _flash_errors(request, form.errors)
        return back
    try:
        with photos_staged_for(
            request, form.cleaned_data["photos"], kind=Photo.Kind.INFO
        ) as photos:
            report_provide_info(
                report=report,
                acting_user=_reporter_account(request, report),
                token=token,
                text=form.cleaned_data["text"],
                photos=photos,
            )
    except NotAllowed:
        messages.error(request, _("Nobody is waiting for information on this report now."))
        return back
    except ValidationError as invalid:
        for message in invalid.messages:
            messages.error(request, message)
        return back
    messages.success(
        request, _("Thank you. Your answer was sent to the officer handling the report.")
    )
    return back


@require_POST
def rate(request, code: str, token: str):
    report = _report_for_link(code, token)
    back = redirect(private_report_url(report) + "#reporter-actions")
    form = RateForm(request.POST)
    if not form.is_valid():
        _flash_errors(request, form.errors)
        return back
    try:
        report_rate(
            report=report,
            acting_user=_reporter_account(request, report),
            token=token,
            value=form.cleaned_data["value"],
            comment=form.cleaned_data["comment"],
        )
    except NotAllowed:
        messages.error(request, _("This report cannot be rated now."))
        return back
    except ValidationError as invalid:
        for message in invalid.messages:
            messages.error(request, message)
        return back
    report.refresh_from_db(fields=["status"])
    if report.status == report.Status.IN_PROGRESS:
        messages.success(
            request, _("Thank you. The report is reopened and goes back to the agency.")
        )
    else:
        messages.success(request, _("Thank you for your rating."))
    return back
