"""Agencies' own case-management systems (back offices) reached through Open311: where each
one is, which of its service codes stands for which category, and the delivery of each report
dispatched to it (an outbox row: the report is never lost between the portal and the agency)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BackOfficeEndpoint(models.Model):
    """An agency's Open311 GeoReport v2 server. Reports dispatched to the agency are sent
    there; its service request updates come back into the report's timeline."""

    department = models.OneToOneField(
        "services.Department",
        verbose_name=_("agency"),
        on_delete=models.CASCADE,
        related_name="back_office",
    )
    base_url = models.URLField(
        _("Open311 endpoint"),
        help_text=_("The address that requests.json and servicerequestupdates.json follow."),
    )
    api_key = models.CharField(
        _("API key"), max_length=200, help_text=_("The key the agency's system issued to us.")
    )
    jurisdiction_id = models.CharField(_("jurisdiction id"), max_length=100, blank=True)
    service_codes = models.JSONField(
        _("service codes"),
        default=dict,
        blank=True,
        help_text=_(
            'Our category code to the code of the agency’s system, e.g. {"ROAD_DAMAGE": '
            '"POTHOLE"}. A category not listed is sent with its own code.'
        ),
    )
    acting_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer recording the agency's updates"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_(
            "An officer of the agency: status changes and answers from its system are recorded "
            "in their name, through the same steps as in the dashboard."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    # The end of the last window of updates read; the next read starts a little before it.
    updates_read_until = models.DateTimeField(_("updates read until"), null=True, blank=True)

    class Meta:
        verbose_name = _("agency back office")
        verbose_name_plural = _("agency back offices")

    def __str__(self):
        return f"{self.department} → {self.base_url}"

    def service_code_for(self, category_code: str) -> str:
        return str(self.service_codes.get(category_code) or category_code)


class BackOfficeDelivery(models.Model):
    """One report sent to one back office: pending until the agency's system answers with its
    own id, retried with a growing delay, marked failed (and shown to staff) after the last try.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Received by the agency's system")
        FAILED = "failed", _("Could not be sent")

    report = models.ForeignKey(
        "reports.Report",
        verbose_name=_("report"),
        on_delete=models.CASCADE,
        related_name="back_office_deliveries",
    )
    endpoint = models.ForeignKey(
        BackOfficeEndpoint,
        verbose_name=_("agency back office"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    external_id = models.CharField(_("id in the agency's system"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("back office delivery")
        verbose_name_plural = _("back office deliveries")
        constraints = [
            models.UniqueConstraint(fields=["report", "endpoint"], name="delivery_once_per_office"),
            models.UniqueConstraint(
                fields=["endpoint", "external_id"],
                condition=~models.Q(external_id=""),
                name="delivery_external_id_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="delivery_due"),
        ]

    def __str__(self):
        return f"{self.report_id} → {self.endpoint_id} ({self.state})"


class BackOfficeUpdate(models.Model):
    """An update read from a back office and applied: remembered so it is applied once."""

    delivery = models.ForeignKey(
        BackOfficeDelivery, on_delete=models.CASCADE, related_name="updates"
    )
    update_id = models.CharField(max_length=100)
    status = models.CharField(max_length=40, blank=True)
    applied_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["delivery", "update_id"], name="update_applied_once")
        ]

    def __str__(self):
        return f"{self.delivery_id}: {self.update_id}"
