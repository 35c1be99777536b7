"""Guest reports joining an account: reports sent without signing in, with the address of an
account whose owner has proved it, become that account's reports."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from reports.events import event_record
from reports.models import Follower, Report, ReportEvent

logger = logging.getLogger(__name__)


@transaction.atomic
def guest_reports_join(*, user: User, acting_user) -> int:
    """Attaches the guest reports and follows made with ``user``'s confirmed address to the
    account; returns the number of reports joined. Idempotent.

    Nothing joins an unconfirmed account (anyone can sign up with any address). Reports
    already linked to an account are left alone. Each joined report gets an internal
    ``ACCOUNT_JOINED`` event naming the account, so the timeline shows when and why its
    reporter changed; no email is sent.
    """
    if not user.email_verified:
        return 0
    reports = list(
        Report.objects.select_for_update()
        .filter(reporter__isnull=True, reporter_email__iexact=user.email)
        .order_by("pk")
    )
    now = timezone.now()
    if reports:
        Report.objects.filter(pk__in=[report.pk for report in reports]).update(
            reporter=user, updated_at=now
        )
    for report in reports:
        report.reporter = user
        event_record(
            report=report,
            kind=ReportEvent.Kind.ACCOUNT_JOINED,
            acting_user=acting_user,
            at=now,
            data={"account": user.pk},
        )
    followed = Follower.objects.filter(user__isnull=True, email__iexact=user.email).update(
        user=user
    )
    if reports:
        logger.info(
            "Account %s joined guest reports %s",
            user.pk,
            ", ".join(report.tracking_code for report in reports),
        )
    if followed:
        logger.info("Account %s joined %d follows made as a guest", user.pk, followed)
    return len(reports)
