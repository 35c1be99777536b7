"""Staging, processing, claiming and discarding uploaded photos.

A photo is staged (``report`` is null) as soon as it is uploaded, bound to its owner (the
uploader's session, or the report form's client key), so a form that comes back with an error
keeps its photos and an upload retried after a lost answer is not staged twice. The submit
action claims the staged photos and attaches them; photos never attached are discarded after a
day. A staged photo belongs to no report yet, so staging and discarding record no event: the
action that attaches photos (submission, an answer to a question, a resolution) records its event.

Staging does only the cheap checks (``images.inspect_upload``) and keeps the upload as it came,
in private storage; ``photo_process`` (the images worker) makes the clean image and thumbnail.
Until then the photo is pending and has no address.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reports.intake.image_process import DecodeFailed, process_in_child
from reports.intake.images import InspectedUpload, PhotoRejected, inspect_upload, make_thumbnail
from reports.models import Photo

logger = logging.getLogger(__name__)

_NAME_SHOWN = 60

# Sent after commit with ``photo_id``: a photo was stored and waits for the pipeline
# (reports.intake.tasks queues it on the images queue).
photo_stored = Signal()


@dataclass(frozen=True)
class StagedPhoto:
    photo: Photo
    # (latitude, longitude) read from the original, only to suggest the pin; never stored.
    gps: tuple[float, float] | None


def photo_stage(
    *,
    upload,
    staged_by: str,
    kind: str = Photo.Kind.REPORT,
    position: int = 0,
    upload_digest: str = "",
    pixels_before: int = 0,
) -> StagedPhoto:
    """Check one upload and store it, as uploaded, as a pending staged photo of ``staged_by``.

    Only the cheap checks run here (format from the bytes, size, dimensions from the header;
    ``pixels_before``, the pixels of the submission's other photos, plus this one's must stay
    within ``PHOTO_SUBMISSION_MAX_PIXELS``); nothing is written for a refused file. The original
    goes to private storage, then the row is saved: if the row cannot be saved, the file is
    deleted, so neither is left behind. Must not run inside another transaction (``durable``),
    because a rollback there would leave the file without its row. Announces it after commit
    (``photo_stored``): the images worker processes it.

    Raises ``ValidationError`` with a translated message naming the file.
    """
    if not staged_by:
        raise ValueError("photo_stage needs the uploader's session key")
    try:
        inspected = inspect_upload(upload)
        _check_submission_pixels(inspected, pixels_before)
    except PhotoRejected as rejected:
        raise ValidationError(
            _("“%(name)s”: %(reason)s"),
            code=rejected.code,
            params={"name": _short_name(upload), "reason": rejected.message},
        ) from None
    photo = Photo(
        kind=kind,
        staged_by=staged_by,
        position=position,
        upload_digest=upload_digest,
        state=Photo.State.PENDING,
        width=inspected.width,
        height=inspected.height,
    )
    try:
        with transaction.atomic(durable=True):
            photo.original.save(photo.key, ContentFile(inspected.content), save=False)
            photo.save()
            photo_id = photo.pk
            transaction.on_commit(
                lambda: photo_stored.send(sender=Photo, photo_id=photo_id), robust=True
            )
    except BaseException:
        if photo.original.name:
            photo.original.storage.delete(photo.original.name)
        raise
    return StagedPhoto(photo=photo, gps=inspected.gps)


def _check_submission_pixels(inspected: InspectedUpload, pixels_before: int) -> None:
    budget = settings.PHOTO_SUBMISSION_MAX_PIXELS
    if pixels_before + inspected.pixels > budget:
        raise PhotoRejected(
            _(
                "Together with the other photos of this report it has too many pixels: at "
                "most %(limit)s megapixels in all. Send fewer or smaller photos."
            )
            % {"limit": f"{budget / 1_000_000:g}"},
            code="submission_too_many_pixels",
        )


def photos_pixels(photos) -> int:
    """The pixels of photos already staged for one submission, for ``pixels_before``."""
    return sum(photo.width * photo.height for photo in photos)


def photo_stage_once(
    *, upload, staged_by: str, position: int = 0, max_staged: int | None = None
) -> StagedPhoto:
    """Stages an upload unless ``staged_by`` already staged the very same bytes: an upload
    retried after its answer was lost (or sent twice at once) gets the photo staged the first
    time, with no position change and no GPS suggestion.

    ``max_staged`` caps the photos the owner may have staged and not attached; a new photo
    over the cap raises ``ValidationError``. The pixel budget counts every photo the owner has
    staged and not attached. Otherwise as ``photo_stage``.
    """
    digest = _upload_digest(upload)
    staged = Photo.objects.filter(staged_by=staged_by, report__isnull=True)
    already = staged.filter(upload_digest=digest).first()
    if already is not None:
        return StagedPhoto(photo=already, gps=None)
    sizes = list(staged.values_list("width", "height"))
    if max_staged is not None and len(sizes) >= max_staged:
        raise ValidationError(
            ngettext(
                "At most %(max)s photo per report.",
                "At most %(max)s photos per report.",
                max_staged,
            ),
            code="too_many_photos",
            params={"max": max_staged},
        )
    try:
        return photo_stage(
            upload=upload,
            staged_by=staged_by,
            position=position,
            upload_digest=digest,
            pixels_before=sum(width * height for width, height in sizes),
        )
    except IntegrityError:
        # The same bytes were being staged by a parallel attempt, which won.
        return StagedPhoto(photo=staged.get(upload_digest=digest), gps=None)


def photos_claim(*, keys: list[str], staged_by: str) -> list[Photo]:
    """The staged photos of session ``staged_by`` named by ``keys``, locked, in that order.

    Keys of other sessions, of photos already attached, unknown or repeated keys are skipped.
    Call it inside the transaction that attaches the photos.
    """
    if not staged_by or not keys:
        return []
    found = {
        photo.key: photo
        for photo in Photo.objects.select_for_update().filter(
            key__in=keys, staged_by=staged_by, report__isnull=True
        )
    }
    claimed = []
    for key in keys:
        photo = found.pop(key, None)
        if photo is not None:
            claimed.append(photo)
    return claimed


def staged_photo_discard(*, key: str, staged_by: str) -> bool:
    """Remove one staged photo of this session (the reporter took it off the form)."""
    with transaction.atomic():
        photos = list(
            Photo.objects.select_for_update().filter(
                key=key, staged_by=staged_by, report__isnull=True
            )
        )
        _delete_with_files(photos)
    return bool(photos)


def staged_photos_discard(*, older_than: datetime, batch_size: int = 500) -> int:
    """Delete photos staged before ``older_than`` and never attached, with their files.

    Rows go first, in one transaction per batch; files are deleted after the commit, so a
    failure can at worst leave a file without a row, never a row without its file.
    """
    discarded = 0
    while True:
        with transaction.atomic():
            photos = list(
                Photo.objects.select_for_update(skip_locked=True)
                .filter(report__isnull=True, created_at__lt=older_than)
                .order_by("id")[:batch_size]
            )
            _delete_with_files(photos)
        discarded += len(photos)
        if len(photos) < batch_size:
            return discarded


def staged_photos_drop(photos) -> None:
    """Deletes photos a failed submission staged, with their files (rows first, files after
    the commit): a refused submission leaves nothing behind. Photos attached meanwhile are
    kept."""
    keys = [photo.key for photo in photos]
    if not keys:
        return
    with transaction.atomic():
        _delete_with_files(
            list(Photo.objects.select_for_update().filter(key__in=keys, report__isnull=True))
        )


def photo_process(*, photo_id: int) -> str:
    """Makes the clean image and the thumbnail of a pending photo from its original, then
    deletes the original. Safe to run twice or concurrently: only the first result is kept.

    Returns "processed", "exists" (already done), "failed" (the original does not decode:
    the photo is kept as failed and shown to nobody) or "missing" (discarded meanwhile).
    """
    photo = Photo.objects.filter(pk=photo_id).first()
    if photo is None:
        return "missing"
    if photo.state == Photo.State.READY:
        return "exists" if photo.thumbnail else photo_thumbnail_make(photo_id=photo_id)
    if photo.state == Photo.State.FAILED:
        return "failed"
    original_name = photo.original.name
    if not original_name:
        return _mark_failed(photo, original_name)
    with photo.original.open("rb") as source:
        data = source.read()
    try:
        processed = process_in_child(data)
    except DecodeFailed as failure:
        return _mark_failed(photo, original_name, reason=failure.code)
    del data
    storage = photo.image.storage
    image_name = storage.save(
        photo.image.field.generate_filename(photo, "photo.jpg"), ContentFile(processed.content)
    )
    thumbnail_name = storage.save(
        photo.thumbnail.field.generate_filename(photo, "thumb.jpg"),
        ContentFile(processed.thumbnail),
    )
    updated = Photo.objects.filter(pk=photo_id, state=Photo.State.PENDING).update(
        state=Photo.State.READY,
        image=image_name,
        thumbnail=thumbnail_name,
        width=processed.width,
        height=processed.height,
        original="",
    )
    if not updated:  # a concurrent run won, or the photo was discarded: drop our files
        _delete_files([(storage, image_name), (storage, thumbnail_name)])
        return "exists" if Photo.objects.filter(pk=photo_id).exists() else "missing"
    _delete_files([(photo.original.storage, original_name)])
    return "processed"


def _mark_failed(photo: Photo, original_name: str, *, reason: str = "no original") -> str:
    logger.warning("Photo %s could not be processed (%s); it will not be shown", photo.pk, reason)
    updated = Photo.objects.filter(pk=photo.pk, state=Photo.State.PENDING).update(
        state=Photo.State.FAILED, original=""
    )
    if updated and original_name:
        _delete_files([(photo.original.storage, original_name)])
    return "failed"


def photo_thumbnail_make(*, photo_id: int) -> str:
    """Make the thumbnail of a ready photo unless it has one (photos processed before the
    thumbnail came with the image). Safe to run twice or concurrently.

    Returns "made", "exists" or "missing" (the photo was discarded meanwhile).
    """
    photo = Photo.objects.filter(pk=photo_id).only("id", "key", "image", "thumbnail").first()
    if photo is None:
        return "missing"
    if photo.thumbnail or not photo.image:
        return "exists"
    with photo.image.open("rb") as source:
        content = make_thumbnail(source.read())
    storage = photo.thumbnail.storage
    name = storage.save(
        photo.thumbnail.field.generate_filename(photo, "thumb.jpg"), ContentFile(content)
    )
    # Only the first writer wins; a concurrent run or a discarded photo removes its own file.
    updated = Photo.objects.filter(pk=photo_id, thumbnail="").update(thumbnail=name)
    if not updated:
        storage.delete(name)
        return "exists" if Photo.objects.filter(pk=photo_id).exists() else "missing"
    return "made"


def _delete_with_files(photos: list[Photo]) -> None:
    if not photos:
        return
    names = [
        (field.storage, field.name)
        for photo in photos
        for field in (photo.original, photo.image, photo.thumbnail)
        if field.name
    ]
    Photo.objects.filter(pk__in=[photo.pk for photo in photos]).delete()
    transaction.on_commit(lambda: _delete_files(names))


def _delete_files(names) -> None:
    for storage, name in names:
        try:
            storage.delete(name)
        except Exception:  # a disk error, or the bucket's (botocore raises its own kinds)
            logger.warning("Could not delete photo file %s", name, exc_info=True)


def _upload_digest(upload) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _short_name(upload) -> str:
    name = str(getattr(upload, "name", "") or _("photo"))
    return name if len(name) <= _NAME_SHOWN else name[: _NAME_SHOWN - 1] + "…"
