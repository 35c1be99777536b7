"""How many reports one client may send through the web form (REPORT_SUBMIT_RATE), and how
many photos it may upload for them (PHOTO_UPLOAD_RATE), per client address, counted by
django-ratelimit (in the database, see settings)."""

from django.conf import settings
from django_ratelimit.core import get_usage

GROUP = "report-submit"
PHOTO_GROUP = "photo-upload"


def _usage(request, *, count: bool) -> dict:
    return get_usage(
        request, group=GROUP, key="ip", rate=settings.REPORT_SUBMIT_RATE, increment=count
    )


def submit_allowance_used(request) -> bool:
    """Whether this client has already sent all the reports it may; counts nothing, so it can
    run first, before any photo is read, and a form sent back for corrections costs nothing."""
    usage = _usage(request, count=False)
    return usage["count"] >= usage["limit"]


def submit_count(request) -> bool:
    """Counts one report about to be stored; False when it is one too many (another tab of
    the same client got there first)."""
    return not _usage(request, count=True)["should_limit"]


def photo_upload_count(request) -> bool:
    """Counts one photo about to be checked and stored; False when it is one too many. Form
    posts that fail keep their photos for the next attempt, so without this a client could
    leave photos behind faster than they expire."""
    usage = get_usage(
        request, group=PHOTO_GROUP, key="ip", rate=settings.PHOTO_UPLOAD_RATE, increment=True
    )
    return not usage["should_limit"]
