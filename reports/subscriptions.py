"""Followers choosing whether to receive a report's emails (the one-click unsubscribe link)."""

from __future__ import annotations

from django.db import transaction

from reports.events import event_record
from reports.models import Follower, ReportEvent


@transaction.atomic
def follower_set_subscription(*, token: str, subscribed: bool, acting_user=None) -> Follower | None:
    """Turns one report's emails off (or back on) for the follower holding ``token``.

    The token is the only credential: it comes from an email sent to that follower, and
    ``acting_user`` (usually nobody signed in) is recorded only as who clicked. A change is an
    internal event on the report's timeline, so staff can tell why someone stopped hearing
    from it. Returns the follower, or None for an unknown token. Idempotent.
    """
    follower = (
        Follower.objects.select_for_update(of=("self",))
        .select_related("report")
        .filter(unsubscribe_token=token)
        .first()
    )
    if follower is None:
        return None
    if follower.is_subscribed != subscribed:
        follower.is_subscribed = subscribed
        follower.save(update_fields=["is_subscribed"])
        event_record(
            report=follower.report,
            kind=ReportEvent.Kind.RESUBSCRIBED if subscribed else ReportEvent.Kind.UNSUBSCRIBED,
            acting_user=acting_user,
            data={"follower": follower.pk, "by_reporter": follower.is_reporter},
        )
    return follower
