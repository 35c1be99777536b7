"""Followers choosing whether to receive a report's emails (the one-click unsubscribe link)."""

from __future__ import annotations

from django.db import transaction

from reports.models import Follower


@transaction.atomic
def follower_set_subscription(*, token: str, subscribed: bool) -> Follower | None:
    """Turns one report's emails off (or back on) for the follower holding ``token``.

    The token is the only credential: it comes from an email sent to that follower. Returns
    the follower, or None for an unknown token. Idempotent.
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
    return follower
