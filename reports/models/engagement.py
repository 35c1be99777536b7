import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_unsubscribe_token() -> str:
    return secrets.token_urlsafe(24)


class Follower(models.Model):
    """Someone told about a report's public changes: its reporter, or a citizen saying "me too"."""

    report = models.ForeignKey(
        "reports.Report",
        verbose_name=_("report"),
        on_delete=models.CASCADE,
        related_name="followers",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="followed_reports",
    )
    # A reporter who gave a phone number and no email follows by SMS: ``phone`` (E.164) is set
    # and ``email`` empty. Only the reporter follows by phone ("me too" needs an email).
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    is_reporter = models.BooleanField(_("is the reporter"), default=False)
    is_subscribed = models.BooleanField(_("receives emails"), default=True)
    # Empty while a "me too" follower has not opened the confirmation link: nobody can sign
    # up someone else's address. The reporter and a verified account's own address are
    # confirmed when they are added.
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True, default=timezone.now)
    unsubscribe_token = models.CharField(
        max_length=40, unique=True, default=new_unsubscribe_token, editable=False
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("follower")
        verbose_name_plural = _("followers")
        constraints = [
            models.UniqueConstraint(fields=["report", "email"], name="follower_unique_email"),
        ]

    def __str__(self):
        return f"{self.report_id} {self.email}"


class Rating(models.Model):
    """The reporter's verdict on a resolution."""

    class Value(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        ACCEPTABLE = "acceptable", _("Acceptable")
        NOT_SATISFIED = "not_satisfied", _("Not satisfied")

    report = models.ForeignKey(
        "reports.Report", verbose_name=_("report"), on_delete=models.CASCADE, related_name="ratings"
    )
    value = models.CharField(_("rating"), max_length=14, choices=Value.choices)
    comment = models.TextField(_("comment"), blank=True)
    department = models.ForeignKey(
        "services.Department",
        verbose_name=_("agency rated"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ratings",
    )
    created_at = models.DateTimeField(_("rated"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")

    def __str__(self):
        return f"{self.report_id} {self.value}"
