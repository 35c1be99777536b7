"""Writes of the Open311 API: a report sent by another system (with what it wants echoed and
the photos it gave by address), and revoking a key, with who did it and when on the record."""

from __future__ import annotations

from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils.translation import gettext as _
from django.utils.translation import override as translation_override

from reports.events import event_record
from reports.intake.actions import report_submit
from reports.models import ApiKey, ApiSubmission, Photo, Report, ReportEvent


@transaction.atomic
def api_key_revoke(*, api_key: ApiKey, acting_user) -> ApiKey:
    """Stops ``api_key`` working at once: the next request signed with it is refused.

    Only users allowed to change API keys may revoke one. The revocation is written to the
    admin's history of the key (``LogEntry``: who, when, what changed), next to the admin's
    own record of its issue and edits, so the key's whole story is on one page. Revoking is
    final; a partner that needs access again gets a new key. Revoking a revoked key changes
    and records nothing.
    """
    if (
        acting_user is None
        or not acting_user.is_active
        or not acting_user.has_perm("reports.change_apikey")
    ):
        raise PermissionDenied(_("You may not revoke API keys."))
    api_key = ApiKey.objects.select_for_update().get(pk=api_key.pk)
    if not api_key.is_active:
        return api_key
    api_key.is_active = False
    api_key.save(update_fields=["is_active"])
    # Stored like the admin's own change messages: untranslated, so the history page shows
    # it in the reader's language.
    with translation_override(None):
        field_name = str(ApiKey._meta.get_field("is_active").verbose_name)
    LogEntry.objects.log_actions(
        user_id=acting_user.pk,
        queryset=[api_key],
        action_flag=CHANGE,
        change_message=[{"changed": {"fields": [field_name]}}],
    )
    return api_key


# Sent after commit with ``report_id`` and ``url``: a report came with a photo to download
# (``reports.open311.tasks`` fetches it off the request path).
remote_photo_requested = Signal()


@transaction.atomic
def api_report_submit(
    *, api_key: ApiKey, attributes: dict, media_urls: list[str], **submitted
) -> Report:
    """Files a report sent through the API (``report_submit`` with ``submitted``) and keeps
    what the sending system needs echoed back (``attributes``: ``fixmystreet_id``…).

    Photos given by address are not downloaded here: the report must never depend on another
    server answering. Each ``media_urls`` address is announced after commit and fetched by a
    task, which records the photo, or the failure, on the staff timeline."""
    report = report_submit(**submitted)
    if not ApiSubmission.objects.filter(report=report).exists():  # not a retried submission
        ApiSubmission.objects.create(report=report, api_key=api_key, attributes=attributes)
        report_id = report.pk
        for url in media_urls:
            transaction.on_commit(
                lambda url=url: remote_photo_requested.send(
                    sender=Report, report_id=report_id, url=url
                ),
                robust=True,
            )
    return report


@transaction.atomic
def report_remote_photo_attach(*, report: Report, photo: Photo, url: str, acting_user=None):
    """Adds a photo downloaded from ``url`` (staged with ``photo_stage``) to the report it
    was sent with, after the photos already there. Recorded on the staff timeline."""
    report = Report.objects.select_for_update(of=("self",)).get(pk=report.pk)
    position = Photo.objects.filter(report=report).count()
    event = event_record(
        report=report,
        kind=ReportEvent.Kind.PHOTO_ADDED,
        acting_user=acting_user,
        data={"media_url": url},
    )
    attached = Photo.objects.filter(pk=photo.pk, report__isnull=True).update(
        report=report, event=event, position=position, staged_by=""
    )
    if not attached:
        raise ValidationError(_("A photo was already used elsewhere; upload it again."))
    return event


@transaction.atomic
def report_remote_photo_fail(*, report: Report, url: str, reason: str, attempts: int):
    """Records on the staff timeline that the photo at ``url`` could not be downloaded (after
    ``attempts`` tries): the report stays as it is, staff may ask the sender for the photo."""
    report = Report.objects.select_for_update(of=("self",)).get(pk=report.pk)
    return event_record(
        report=report,
        kind=ReportEvent.Kind.PHOTO_FAILED,
        acting_user=None,
        internal_note=_("The photo at %(url)s could not be downloaded: %(reason)s")
        % {"url": url, "reason": reason},
        data={"media_url": url, "reason": reason, "attempts": attempts},
    )
