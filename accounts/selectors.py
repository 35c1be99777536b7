"""Reads for the citizen account pages, each with a fixed number of queries."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User
from reports.models import Report


def reports_of_user(*, user: User) -> QuerySet[Report]:
    """The reports linked to ``user``'s account, newest first, shaped for the "my reports" list."""
    return (
        Report.objects.filter(reporter=user)
        .select_related("category", "commune")
        .only(
            "tracking_code",
            "title",
            "status",
            "submitted_at",
            "updated_at",
            "category__name_vi",
            "category__name_en",
            "commune__name",
        )
        .order_by("-submitted_at", "-id")
    )


def user_for_guest_email(email: str) -> User | None:
    """The confirmed, active account a guest report made with ``email`` belongs to, if any.

    For the submit action: a guest report with a confirmed address joins that account.
    """
    email = (email or "").strip()
    if not email:
        return None
    return User.objects.filter(email__iexact=email, email_verified=True, is_active=True).first()
