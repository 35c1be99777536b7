"""The statuses a report can have. Which status may follow which, and how they group, is decided
by the status machine in ``reports.workflow``; this module only names them, so that the status
machine and the ``Report`` queries can share them without importing each other."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting intake")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING_INFO = "waiting_info", _("Waiting for information")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Not accepted")
    DUPLICATE = "duplicate", _("Duplicate")
