"""Photo work off the request path: thumbnails, and the clean-up of abandoned uploads.

Task names are fixed (not derived from the module path); CELERY_TASK_ROUTES sends them to the
"images" queue.
"""

import logging
from datetime import timedelta

from celery import shared_task
from django.db.models import Q
from django.dispatch import receiver
from django.utils import timezone

from reports.intake.images import PhotoRejected
from reports.intake.photos import photo_stored, photo_thumbnail_make, staged_photos_discard
from reports.models import Photo

logger = logging.getLogger(__name__)

STAGED_PHOTO_LIFETIME = timedelta(hours=24)
# A thumbnail still missing after this long lost its task (broker outage): queue it again.
THUMBNAIL_GRACE = timedelta(minutes=10)


@shared_task(
    name="reports.intake.make_photo_thumbnail",
    bind=True,
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=10,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=6,
)
def make_photo_thumbnail(self, photo_id: int) -> str:
    try:
        return photo_thumbnail_make(photo_id=photo_id)
    except PhotoRejected:
        # Our own re-encoded file no longer decodes: retrying will not help; pages show the image.
        logger.error("Photo %s cannot be read to make its thumbnail", photo_id)
        return "unreadable"


@shared_task(name="reports.intake.discard_stale_staged_photos")
def discard_stale_staged_photos() -> int:
    discarded = staged_photos_discard(older_than=timezone.now() - STAGED_PHOTO_LIFETIME)
    if discarded:
        logger.info("Discarded %d photos uploaded but never attached to a report", discarded)
    return discarded


@shared_task(name="reports.intake.queue_missing_thumbnails")
def queue_missing_thumbnails(limit: int = 200) -> int:
    now = timezone.now()
    photo_ids = list(
        Photo.objects.filter(Q(thumbnail="") | Q(thumbnail__isnull=True))
        # Only recent photos: one that still fails after two days will not be helped by more tries.
        .filter(created_at__lt=now - THUMBNAIL_GRACE, created_at__gte=now - timedelta(days=2))
        .order_by("-created_at")
        .values_list("id", flat=True)[:limit]
    )
    for photo_id in photo_ids:
        make_photo_thumbnail.delay(photo_id)
    return len(photo_ids)


@receiver(photo_stored, dispatch_uid="reports.intake.thumbnail_for_stored_photo")
def _thumbnail_for_stored_photo(sender, photo_id: int, **kwargs) -> None:
    try:
        make_photo_thumbnail.delay(photo_id)
    except Exception:  # broker unreachable: queue_missing_thumbnails queues it again later
        logger.warning("Could not queue the thumbnail of photo %s", photo_id, exc_info=True)
