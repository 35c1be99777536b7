"""Moderation: hiding a report or a photo from the public, with a recorded reason.

Hiding changes nothing in the workflow: the report is still handled, the reporter still sees
it through their private link, and staff still see everything. Only administrators with the
change permission on reports (or photos) may do it; each change writes a timeline event.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.models import Photo, Report, ReportEvent


def _require(user, permission: str) -> None:
    if user is None or not user.is_active or not user.has_perm(permission):
        raise PermissionDenied(_("You may not moderate this."))


def _event(report: Report, kind: str, *, actor, reason: str, data: dict) -> ReportEvent:
    return ReportEvent.objects.create(
        report=report,
        kind=kind,
        actor=actor,
        created_at=timezone.now(),
        is_public=False,
        internal_note=reason,
        data=data,
    )


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
    report.save(update_fields=["is_hidden", "hidden_reason", "updated_at"])
    _event(report, ReportEvent.Kind.HIDDEN, actor=acting_user, reason=reason, data={})
    return report


@transaction.atomic
def report_show(*, report: Report, acting_user, reason: str = "") -> Report:
    _require(acting_user, "reports.change_report")
    report = Report.objects.select_for_update().get(pk=report.pk)
    if not report.is_hidden:
        return report
    report.is_hidden, report.hidden_reason = False, ""
    report.save(update_fields=["is_hidden", "hidden_reason", "updated_at"])
    _event(report, ReportEvent.Kind.SHOWN, actor=acting_user, reason=reason.strip(), data={})
    return report


@transaction.atomic
def photo_hide(*, photo: Photo, acting_user, reason: str) -> Photo:
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
        _event(
            photo.report,
            ReportEvent.Kind.HIDDEN,
            actor=acting_user,
            reason=reason,
            data={"photo": photo.key},
        )
    return photo


@transaction.atomic
def photo_show(*, photo: Photo, acting_user, reason: str = "") -> Photo:
    _require(acting_user, "reports.change_photo")
    photo = Photo.objects.select_for_update().get(pk=photo.pk)
    if not photo.is_hidden:
        return photo
    photo.is_hidden, photo.hidden_reason = False, ""
    photo.save(update_fields=["is_hidden", "hidden_reason"])
    if photo.report_id:
        _event(
            photo.report,
            ReportEvent.Kind.SHOWN,
            actor=acting_user,
            reason=reason.strip(),
            data={"photo": photo.key},
        )
    return photo
