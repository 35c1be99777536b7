from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboundEmail(models.Model):
    """The email outbox: written in the same transaction as the event that causes it.

    A task sends pending rows and marks them; a periodic scan re-queues rows whose task was
    lost (a broker outage delays an email, never drops it). ``dedupe_key`` is unique, so nobody
    gets the same email twice however often the producer runs.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    dedupe_key = models.CharField(max_length=200, unique=True)
    template = models.CharField(_("template"), max_length=80)
    recipient = models.EmailField(_("recipient"))
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    context = models.JSONField(_("context"), default=dict, blank=True)
    report = models.ForeignKey(
        "reports.Report", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    event = models.ForeignKey(
        "reports.ReportEvent", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("outbound email")
        verbose_name_plural = _("outbound emails")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]

    def __str__(self):
        return f"{self.template} → {self.recipient} ({self.status})"


class DeadlineReminder(models.Model):
    """Marks that one threshold of one clock of one report has been acted on, exactly once."""

    class Clock(models.TextChoices):
        INTAKE = "intake", _("Intake")
        RESPONSE = "response", _("First response")
        RESOLUTION = "resolution", _("Resolution")

    class Threshold(models.IntegerChoices):
        REMINDER = 75, _("Three quarters of the window")
        DEADLINE = 100, _("Deadline")
        DOUBLE = 200, _("Twice the window")

    report = models.ForeignKey(
        "reports.Report", on_delete=models.CASCADE, related_name="deadline_reminders"
    )
    clock = models.CharField(_("clock"), max_length=10, choices=Clock.choices)
    threshold = models.PositiveSmallIntegerField(_("threshold"), choices=Threshold.choices)
    due_at = models.DateTimeField(_("deadline at the time"))
    # The scan's own clock, so a rule comparing it with threshold instants stays consistent.
    created_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("deadline reminder")
        verbose_name_plural = _("deadline reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "clock", "threshold", "due_at"], name="reminder_once"
            )
        ]

    def __str__(self):
        return f"{self.report_id} {self.clock} {self.threshold}%"
