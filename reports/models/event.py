from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportEvent(models.Model):
    """One entry of a report's timeline and of the audit trail. Never edited or deleted."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("Accepted and dispatched")
        REJECTED = "rejected", _("Not accepted")
        MARKED_DUPLICATE = "duplicate", _("Marked as duplicate")
        TRANSFERRED = "transferred", _("Transferred to another agency")
        ASSIGNED = "assigned", _("Assigned")
        PRIORITY_CHANGED = "priority", _("Priority changed")
        STARTED = "started", _("Work started")
        INFO_REQUESTED = "info_requested", _("Information requested")
        INFO_PROVIDED = "info_provided", _("Information provided")
        NOTE = "note", _("Internal note")
        PUBLIC_UPDATE = "public_update", _("Update")
        DEADLINE_EXTENDED = "extended", _("Deadline extended")
        DEADLINES_RECOMPUTED = "recomputed", _("Deadlines recomputed after a calendar change")
        RESOLVED = "resolved", _("Resolved")
        REOPENED = "reopened", _("Reopened")
        CLOSED = "closed", _("Closed")
        RATED = "rated", _("Rated")
        FOLLOWED = "followed", _("Followed")
        UNSUBSCRIBED = "unsubscribed", _("A follower stopped email updates")
        RESUBSCRIBED = "resubscribed", _("A follower resumed email updates")
        HIDDEN = "hidden", _("Hidden by moderation")
        SHOWN = "shown", _("Shown again")
        COMMUNE_CHANGED = "commune", _("Commune corrected")
        ACCOUNT_JOINED = "account_joined", _("Linked to the reporter's account")
        PHOTO_ADDED = "photo_added", _("Photo added")
        PHOTO_FAILED = "photo_failed", _("Photo could not be downloaded")
        SENT_TO_BACK_OFFICE = "back_office", _("Sent to the agency's system")
        BACK_OFFICE_FAILED = "back_office_err", _("Could not be sent to the agency's system")

    report = models.ForeignKey(
        "reports.Report", verbose_name=_("report"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("time"), db_index=True)
    is_public = models.BooleanField(_("public"), default=False)
    from_status = models.CharField(_("from status"), max_length=12, blank=True)
    to_status = models.CharField(_("to status"), max_length=12, blank=True)
    department = models.ForeignKey(
        "services.Department",
        verbose_name=_("agency"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    public_message = models.TextField(_("public message"), blank=True)
    internal_note = models.TextField(_("internal note"), blank=True)
    # Structured details (old and new values, extension length...) for the audit trail.
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("report event")
        verbose_name_plural = _("report events")
        indexes = [
            models.Index(fields=["report", "created_at"], name="event_timeline"),
            models.Index(fields=["is_public", "created_at"], name="event_public_feed"),
        ]

    def __str__(self):
        return f"{self.report_id} {self.kind} {self.created_at:%d/%m/%Y %H:%M}"
