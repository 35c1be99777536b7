"""What reports does when the apps below it announce something (connected in ReportsConfig).

Tasks modules connect their own receivers (a calendar change queues the deadline recompute in
``reports.deadlines.tasks``, a stored photo its processing in ``reports.intake.tasks``).
"""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from accounts.signals import email_confirmed
from reports.intake.guest_join import guest_reports_join


@receiver(email_confirmed, dispatch_uid="reports.join_guest_reports_on_confirmation")
def join_guest_reports_on_confirmation(sender, user, **kwargs) -> int:
    return guest_reports_join(user=user, acting_user=user)


@receiver(user_logged_in, dispatch_uid="reports.join_guest_reports_on_sign_in")
def join_guest_reports_on_sign_in(sender, request, user, **kwargs) -> int:
    """Reports made as a guest since the last visit join the account (once it is confirmed)."""
    return guest_reports_join(user=user, acting_user=user)
