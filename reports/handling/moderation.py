"""Moderation: hiding a report or a photo from the public, with a recorded reason.

Hiding changes nothing in the workflow: the report is still handled, the reporter still sees
it through their private link, and staff still see everything. Only administrators with the
change permission on reports (or photos) may do it; each change writes a timeline event.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from reports.events import event_record
from reports.models import Photo, Report, ReportEvent
from reports.tallies import report_save_counted


def _require(user, permission: str) -> None:
    if user is None or not user.is_active or not user.has_perm(permission):
        raise PermissionDenied(_("You may not moderate this."))


@transaction.atomic
def report_hide(*, report: Report, acting_user, reason: str) -> Report:
    """Takes the report off every public page, feed and the API; the reason stays internal."""
    _require(acting_user, "reports.change_report")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for hiding."))
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.is_hidden and report.hidden_reason == reason:
        return report
    report.is_hidden, report.hidden_reason = True, reason[:255]
    report_save_counted(report, ["is_hidden", "hidden_reason"])
    event_record(
        report=report, kind=ReportEvent.Kind.HIDDEN, acting_user=acting_user, internal_note=reason
    )
    return report


@transaction.atomic
def report_show(*, report: Report, acting_user, reason: str = "") -> Report:
    """Puts a hidden report back on the public pages; showing a visible one changes nothing."""
    _require(acting_user, "reports.change_report")
    report = Report.objects.select_for_update().get(pk=report.pk)
    if not report.is_hidden:
        return report
    report.is_hidden, report.hidden_reason = False, ""
    report_save_counted(report, ["is_hidden", "hidden_reason"])
    event_record(
        report=report,
        kind=ReportEvent.Kind.SHOWN,
        acting_user=acting_user,
        internal_note=reason.strip(),
    )
    return report


@transaction.atomic
def photo_hide(*, photo: Photo, acting_user, reason: str) -> Photo:
    """Takes one photo off the public pages (the report stays). A photo not yet attached to a
    report has no timeline to write to: the flag and the reason stay on the photo."""
    _require(acting_user, "reports.change_photo")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for hiding."))
    photo = Photo.objects.select_for_update().get(pk=photo.pk)
    if photo.is_hidden and photo.hidden_reason == reason:
        return photo
    photo.is_hidden, photo.hidden_reason = True, reason[:255]
    photo.save(update_fields=["is_hidden", "hidden_reason"])
    if photo.report_id:
        event_record(
            report=photo.report,
            kind=ReportEvent.Kind.HIDDEN,
            acting_user=acting_user,
            internal_note=reason,
            data={"photo": photo.key},
        )
    return photo


@transaction.atomic
def photo_show(*, photo: Photo, acting_user, reason: str = "") -> Photo:
    """Shows a hidden photo again; showing a visible one changes nothing."""
    _require(acting_user, "reports.change_photo")
    photo = Photo.objects.select_for_update().get(pk=photo.pk)
    if not photo.is_hidden:
        return photo
    photo.is_hidden, photo.hidden_reason = False, ""
    photo.save(update_fields=["is_hidden", "hidden_reason"])
    if photo.report_id:
        event_record(
            report=photo.report,
            kind=ReportEvent.Kind.SHOWN,
            acting_user=acting_user,
            internal_note=reason.strip(),
            data={"photo": photo.key},
        )
    return photo
