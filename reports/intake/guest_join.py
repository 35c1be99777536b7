"""Reports and follows made as a guest join the account that owns their email address."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from reports.models import Follower, Report

logger = logging.getLogger(__name__)


@transaction.atomic
def guest_reports_join(*, user: User) -> int:
    """Attach guest reports and follows made with ``user``'s confirmed address to the account.

    Reports already linked to an account are left alone. The joined tracking codes are logged,
    which with the reports' own timelines is the audit trail. Returns the number joined.
    """
    if not user.email_verified:
        return 0
    reports = Report.objects.select_for_update().filter(
        reporter__isnull=True, reporter_email__iexact=user.email
    )
    codes = list(reports.values_list("tracking_code", flat=True))
    if codes:
        Report.objects.filter(
            tracking_code__in=codes, reporter__isnull=True, reporter_email__iexact=user.email
        ).update(reporter=user, updated_at=timezone.now())
        logger.info("Account %s joined guest reports %s", user.pk, ", ".join(codes))
    followed = Follower.objects.filter(user__isnull=True, email__iexact=user.email).update(
        user=user
    )
    if followed:
        logger.info("Account %s joined %d follows made as a guest", user.pk, followed)
    return len(codes)
