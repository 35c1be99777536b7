"""Open311 work off the request path: downloading the photos clients give as ``media_url``.

A download that fails in a way that may pass (the host unreachable, a server error) is tried
again with a growing delay, a bounded number of times; then, or at once for a refusal that
will not pass, the failure goes on the staff timeline. The report was stored before any of
this started.
"""

import logging

from celery import shared_task
from django.core.exceptions import ValidationError
from django.dispatch import receiver

from reports.intake.photos import photo_stage
from reports.models import Report
from reports.open311.actions import (
    remote_photo_requested,
    report_remote_photo_attach,
    report_remote_photo_fail,
)
from reports.open311.media import MediaError, fetch_media

logger = logging.getLogger(__name__)

# Tries after the first, and the delays between them: 30 s, 1, 2, 4, 8 min (with jitter),
# about a quarter of an hour in all, well inside any client's patience.
PHOTO_DOWNLOAD_RETRIES = 5
PHOTO_DOWNLOAD_FIRST_DELAY = 30
PHOTO_DOWNLOAD_MAX_DELAY = 600


def _delay(retries: int) -> int:
    return min(PHOTO_DOWNLOAD_FIRST_DELAY * 2**retries, PHOTO_DOWNLOAD_MAX_DELAY)


@shared_task(name="reports.open311.fetch_remote_photo", acks_late=True)
def fetch_remote_photo(report_id: int, url: str, retries: int = 0) -> str:
    """One try; the next is queued as a new message with its delay (``retries`` counts them),
    which in-process Celery runs at once, as it does every task."""
    report = Report.objects.filter(pk=report_id).first()
    if report is None:
        return "no report"
    attempts = retries + 1
    try:
        upload = fetch_media(url)
        staged = photo_stage(upload=upload, staged_by=f"open311-media:{report_id}")
    except MediaError as error:
        if error.may_pass and retries < PHOTO_DOWNLOAD_RETRIES:
            fetch_remote_photo.apply_async((report_id, url, retries + 1), countdown=_delay(retries))
            return "retrying"
        report_remote_photo_fail(report=report, url=url, reason=str(error), attempts=attempts)
        return "failed"
    except ValidationError as error:  # downloaded, but not a photo we can use
        reason = " ".join(error.messages)
        report_remote_photo_fail(report=report, url=url, reason=reason, attempts=attempts)
        return "failed"
    report_remote_photo_attach(report=report, photo=staged.photo, url=url)
    return "attached"


@receiver(remote_photo_requested, dispatch_uid="reports.open311.fetch_requested_photo")
def _fetch_requested_photo(sender, report_id: int, url: str, **kwargs) -> None:
    try:
        fetch_remote_photo.delay(report_id, url)
    except Exception:  # broker unreachable: the report stands; staff see no photo was added
        logger.warning("Could not queue the download of %s for report %s", url, report_id)
