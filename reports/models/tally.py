"""How many reports stand in each combination of agency, status, visibility and rating state.

Derived data kept exact in the same transaction as every change (``reports.tallies``), so the
home page's headline and the dashboard's queue counts read a few dozen rows instead of counting
a million reports. ``manage.py rebuild_tallies`` recreates it from the reports.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from reports.status import ReportStatus


class ReportTally(models.Model):
    # The responsible agency's id; 0 while none is responsible (awaiting intake, refused).
    department_key = models.PositiveIntegerField(_("agency"), default=0)
    status = models.CharField(_("status"), max_length=12, choices=ReportStatus.choices)
    is_public = models.BooleanField(_("public"))
    awaiting_rating = models.BooleanField(_("awaiting rating"))
    count = models.IntegerField(_("reports"), default=0)

    class Meta:
        verbose_name = _("report tally")
        verbose_name_plural = _("report tallies")
        constraints = [
            models.UniqueConstraint(
                fields=["department_key", "status", "is_public", "awaiting_rating"],
                name="reporttally_unique",
            )
        ]

    def __str__(self):
        return f"{self.department_key} {self.status} {self.count}"


class DeadlineTally(models.Model):
    """How many reports of an agency have their current deadline (``Report.handling_due_at``)
    on one day (UTC). "Overdue" is every day before today from here, plus today's deadlines
    already passed from the index: a count that costs the same whatever the backlog."""

    department_key = models.PositiveIntegerField(_("agency"), default=0)
    due_day = models.DateField(_("due day (UTC)"))
    count = models.IntegerField(_("reports"), default=0)

    class Meta:
        verbose_name = _("deadline tally")
        verbose_name_plural = _("deadline tallies")
        constraints = [
            models.UniqueConstraint(
                fields=["department_key", "due_day"], name="deadlinetally_unique"
            )
        ]
        indexes = [models.Index(fields=["due_day", "department_key"], name="deadlinetally_day")]

    def __str__(self):
        return f"{self.department_key} {self.due_day} {self.count}"
