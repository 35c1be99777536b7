"""Who receives a report's emails: following a report ("me too"), confirming the address, and
the one-click unsubscribe link."""

from __future__ import annotations

from datetime import timedelta

from django.core import signing
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from camau_portal.notifications.outbox import Recipient, queue_emails
from camau_portal.notifications.rendering import absolute_url
from reports.events import event_record
from reports.models import Follower, Report, ReportEvent

CONFIRM_TEMPLATE = "follow_confirm"
CONFIRM_LINK_VALID = timedelta(days=7)
_CONFIRM_SALT = "reports.follow-confirm"


def follow_confirm_token(follower: Follower) -> str:
    """Signed, so it needs no storage; bound to the address, so it cannot confirm another."""
    return signing.dumps({"follower": follower.pk, "email": follower.email}, salt=_CONFIRM_SALT)


def follower_for_confirm_token(token: str) -> Follower | None:
    try:
        data = signing.loads(token, salt=_CONFIRM_SALT, max_age=CONFIRM_LINK_VALID.total_seconds())
        follower_id, email = int(data["follower"]), str(data["email"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    return Follower.objects.select_related("report").filter(pk=follower_id, email=email).first()


@transaction.atomic
def report_follow_request(
    *, report: Report, email: str, language: str, acting_user=None
) -> Follower:
    """Someone asks for a public report's emails ("me too").

    A signed-in user's own verified address is followed at once. Any other address gets a
    confirmation link by email (through the outbox, at most one a day per address and report)
    and receives nothing until the link is opened, so nobody can sign up someone else.
    Asking again for an address that unsubscribed also needs the link. Idempotent.
    Returns the follower; ``follower.confirmed_at`` says whether it already receives emails.
    """
    email = email.strip().lower()
    user = acting_user if acting_user is not None and acting_user.is_authenticated else None
    own_address = user is not None and user.email_verified and user.email.lower() == email
    follower, _created = Follower.objects.select_for_update().get_or_create(
        report=report,
        email=email,
        defaults={"user": user, "language": language, "confirmed_at": None},
    )
    if follower.confirmed_at is not None and follower.is_subscribed:
        return follower
    if own_address:
        _confirm(follower, acting_user=user)
        return follower
    queue_emails(
        template=CONFIRM_TEMPLATE,
        recipients=[Recipient(email=follower.email, language=language)],
        dedupe_prefix=f"follow-confirm:{follower.pk}:{timezone.localdate().isoformat()}",
        report_id=report.pk,
        context={
            "confirm_url": absolute_url(
                reverse("reports:follow_confirm", kwargs={"token": follow_confirm_token(follower)})
            )
        },
    )
    return follower


@transaction.atomic
def follower_confirm(*, follower: Follower, acting_user=None) -> Follower:
    """The address opened its confirmation link: it receives the report's public changes from
    now on. Counted among the report's followers and recorded (as an internal event) the first
    time; an address that had unsubscribed hears again. Idempotent."""
    follower = Follower.objects.select_for_update().select_related("report").get(pk=follower.pk)
    if follower.confirmed_at is None or not follower.is_subscribed:
        _confirm(follower, acting_user=acting_user)
    return follower


def _confirm(follower: Follower, *, acting_user) -> None:
    first_time = follower.confirmed_at is None
    follower.confirmed_at = follower.confirmed_at or timezone.now()
    follower.is_subscribed = True
    follower.save(update_fields=["confirmed_at", "is_subscribed"])
    if first_time:
        Report.objects.filter(pk=follower.report_id).update(follower_count=F("follower_count") + 1)
    event_record(
        report=follower.report,
        kind=ReportEvent.Kind.FOLLOWED if first_time else ReportEvent.Kind.RESUBSCRIBED,
        acting_user=acting_user,
        data={"follower": follower.pk, "by_reporter": follower.is_reporter},
    )


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
