from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboundEmail(models.Model):
    """The outbox of every message (email, SMS): written in the same transaction as the change
    that causes it.

    A task sends pending rows and marks them; a periodic scan re-queues rows whose task was
    lost (a broker outage delays an email, never drops it). ``dedupe_key`` is unique, so nobody
    gets the same email twice however often the producer runs.

    ``report_id`` and ``event_id`` name the report and timeline event an email is about, as
    plain ids rather than foreign keys, so this bottom layer depends on no app above it; the
    reports app renders them and withdraws a row whose report is gone. Other senders leave
    them empty. The table keeps the name it had when reports owned it, and the model its name
    from before SMS: one row is one message on one ``channel`` to one ``recipient`` (an email
    address, or a phone number in E.164 for SMS).
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    dedupe_key = models.CharField(max_length=200, unique=True)
    template = models.CharField(_("template"), max_length=80)
    channel = models.CharField(
        _("channel"), max_length=8, choices=Channel.choices, default=Channel.EMAIL
    )
    recipient = models.CharField(_("recipient"), max_length=254)
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    context = models.JSONField(_("context"), default=dict, blank=True)
    report_id = models.BigIntegerField(_("report"), null=True, blank=True, db_index=True)
    event_id = models.BigIntegerField(_("event"), null=True, blank=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    # What the provider calls the message (the SMSC's message ids, comma-separated for a text
    # sent in parts), to match its delivery receipts.
    provider_message_id = models.CharField(
        _("provider message id"), max_length=200, blank=True, db_index=True
    )
    # The last delivery receipt's state as the SMSC words it (DELIVRD, UNDELIV, EXPIRED...):
    # "sent" means the SMSC took the message, this says whether the phone got it.
    delivery_report = models.CharField(_("delivery report"), max_length=16, blank=True)
    delivery_reported_at = models.DateTimeField(_("delivery reported"), null=True, blank=True)

    class Meta:
        db_table = "reports_outboundemail"
        verbose_name = _("outbound email")
        verbose_name_plural = _("outbound emails")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]

    def __str__(self):
        return f"{self.channel} {self.template} → {self.recipient} ({self.status})"
