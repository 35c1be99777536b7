"""Writes of the Open311 API: a report sent by another system (with what it wants echoed and
the photos it gave by address, downloaded afterwards), and revoking a key, with who did it and
when on the record."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override as translation_override

from reports.events import event_record
from reports.intake.actions import report_submit
from reports.intake.photos import photo_stage
from reports.models import ApiKey, ApiSubmission, Photo, RemotePhoto, Report, ReportEvent
from reports.open311.media import MediaError, fetch_media


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


# Sent after commit with ``remote_photo_id``: a photo given by address waits to be downloaded
# (``reports.open311.tasks`` fetches it off the request path).
remote_photo_requested = Signal()

# Tries in all (the first and five more), and the delays between them: 30 s, 1, 2, 4, 8 min,
# about a quarter of an hour in all, well inside any client's patience.
REMOTE_PHOTO_MAX_ATTEMPTS = 6
REMOTE_PHOTO_FIRST_DELAY = timedelta(seconds=30)
REMOTE_PHOTO_MAX_DELAY = timedelta(minutes=10)


@transaction.atomic
def api_report_submit(
    *, api_key: ApiKey, attributes: dict, media_urls: list[str], **submitted
) -> Report:
    """Files a report sent through the API (``report_submit`` with ``submitted``) and keeps
    what the sending system needs echoed back (``attributes``: ``fixmystreet_id``…).

    Photos given by address are not downloaded here: the report must never depend on another
    server answering. Each ``media_urls`` address is announced after commit and fetched by a
    task, which records the photo, or the failure, on the staff timeline. Each address is a
    ``RemotePhoto`` row from this transaction on, so no broker outage can lose it."""
    report = report_submit(**submitted)
    if not ApiSubmission.objects.filter(report=report).exists():  # not a retried submission
        ApiSubmission.objects.create(report=report, api_key=api_key, attributes=attributes)
        for url in media_urls:
            remote = RemotePhoto.objects.create(
                report=report, url=url, next_attempt_at=timezone.now()
            )
            transaction.on_commit(
                lambda remote_id=remote.pk: remote_photo_requested.send(
                    sender=RemotePhoto, remote_photo_id=remote_id
                ),
                robust=True,
            )
    return report


def remote_photo_adopt(*, report_id: int, url: str) -> RemotePhoto | None:
    """A download asked for before photos by address had rows (a message queued by the
    previous release): it becomes a waiting photo like any other, once."""
    if not Report.objects.filter(pk=report_id).exists():
        return None
    remote, _ = RemotePhoto.objects.get_or_create(
        report_id=report_id, url=url, defaults={"next_attempt_at": timezone.now()}
    )
    return remote


def remote_photo_retry_delay(attempts: int) -> timedelta:
    return min(REMOTE_PHOTO_FIRST_DELAY * 2 ** max(attempts - 1, 0), REMOTE_PHOTO_MAX_DELAY)


def remote_photo_fetch(*, remote_photo_id: int) -> str:
    """One try at a waiting photo given by address, if its try is due. Claimed first with a
    lease (so a second task or the sweep leaves it alone while the other server answers),
    downloaded and staged outside any transaction (staging commits the file on its own),
    then the outcome is written. Returns it; the caller queues the next try at
    ``next_attempt_at`` when it says "retry"."""
    remote = _remote_photo_claim(remote_photo_id)
    if remote is None:
        return "not due"
    try:
        upload = fetch_media(remote.url)
        staged = photo_stage(upload=upload, staged_by=f"open311-media:{remote.report_id}")
    except MediaError as error:
        return _remote_photo_missed(remote, reason=str(error), may_pass=error.may_pass)
    except ValidationError as error:  # downloaded, but not a photo we can use
        return _remote_photo_missed(remote, reason=" ".join(error.messages), may_pass=False)
    with transaction.atomic():
        report_remote_photo_attach(report=remote.report, photo=staged.photo, url=remote.url)
        remote.state, remote.next_attempt_at, remote.last_error = (
            RemotePhoto.State.ATTACHED,
            None,
            "",
        )
        remote.save(update_fields=["state", "next_attempt_at", "last_error"])
    return "attached"


# A claimed download holds its photo this long (far more than a download's time-out).
REMOTE_PHOTO_LEASE = timedelta(minutes=5)
# A task may run a little before its ``eta`` (clocks of worker and beat differ slightly).
_EARLY = timedelta(seconds=5)


@transaction.atomic
def _remote_photo_claim(remote_photo_id: int) -> RemotePhoto | None:
    now = timezone.now()
    remote = (
        RemotePhoto.objects.select_for_update(skip_locked=True)
        .select_related("report")
        .filter(
            pk=remote_photo_id,
            state=RemotePhoto.State.PENDING,
            next_attempt_at__lte=now + _EARLY,
        )
        .first()
    )
    if remote is None:
        return None
    remote.attempts += 1
    remote.next_attempt_at = now + REMOTE_PHOTO_LEASE
    remote.save(update_fields=["attempts", "next_attempt_at"])
    return remote


@transaction.atomic
def _remote_photo_missed(remote: RemotePhoto, *, reason: str, may_pass: bool) -> str:
    remote.last_error = reason[:1000]
    if may_pass and remote.attempts < REMOTE_PHOTO_MAX_ATTEMPTS:
        remote.next_attempt_at = timezone.now() + remote_photo_retry_delay(remote.attempts)
        remote.save(update_fields=["next_attempt_at", "last_error"])
        return "retry"
    remote.state, remote.next_attempt_at = RemotePhoto.State.FAILED, None
    remote.save(update_fields=["state", "next_attempt_at", "last_error"])
    report_remote_photo_fail(
        report=remote.report, url=remote.url, reason=reason, attempts=remote.attempts
    )
    return "failed"


def remote_photos_due(*, now, grace: timedelta, limit: int = 200) -> list[int]:
    """Waiting photos whose try is overdue by ``grace``: their task was lost (a broker
    outage, a worker killed). Each is given a new lease so the next sweep does not queue it
    again while it waits."""
    with transaction.atomic():
        due = list(
            RemotePhoto.objects.select_for_update(skip_locked=True)
            .filter(state=RemotePhoto.State.PENDING, next_attempt_at__lte=now - grace)
            .order_by("next_attempt_at")
            .values_list("id", flat=True)[:limit]
        )
        RemotePhoto.objects.filter(pk__in=due).update(next_attempt_at=now)
    return due


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
