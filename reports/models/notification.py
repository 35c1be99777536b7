from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
