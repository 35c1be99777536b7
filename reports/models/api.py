"""Keys that let other systems create reports through the Open311 API."""

import hashlib
import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

KEY_PREFIX_LENGTH = 10


def hash_api_key(raw_key: str) -> str:
    # Keys are 256-bit random tokens, so a fast hash is enough: there is nothing to brute-force.
    return hashlib.sha256(raw_key.encode()).hexdigest()


def new_raw_key() -> str:
    return "c311_" + secrets.token_urlsafe(32)


class ApiKeyManager(models.Manager):
    def issue(self, *, name: str, contact_email: str = "", requests_per_hour: int | None = None):
        """Creates a key and returns ``(api_key, raw_key)``; the raw key is never stored."""
        api_key = self.model(name=name, contact_email=contact_email)
        if requests_per_hour is not None:
            api_key.requests_per_hour = requests_per_hour
        raw_key = api_key.set_new_key()
        api_key.save()
        return api_key, raw_key

    def authenticate(self, raw_key: str):
        """The active key matching ``raw_key``, or None."""
        if not raw_key or len(raw_key) < KEY_PREFIX_LENGTH:
            return None
        digest = hash_api_key(raw_key)
        for candidate in self.filter(prefix=raw_key[:KEY_PREFIX_LENGTH], is_active=True):
            if secrets.compare_digest(candidate.hashed_key, digest):
                return candidate
        return None


class ApiKey(models.Model):
    name = models.CharField(_("name"), max_length=120)
    contact_email = models.EmailField(_("contact email"), blank=True)
    prefix = models.CharField(
        _("key prefix"), max_length=KEY_PREFIX_LENGTH, db_index=True, editable=False
    )
    hashed_key = models.CharField(max_length=64, unique=True, editable=False)
    requests_per_hour = models.PositiveIntegerField(
        _("requests per hour"),
        default=120,
        help_text=_("New reports this key may create per hour."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    mysociety_extensions = models.BooleanField(
        _("mySociety Open311 extensions"),
        default=False,
        help_text=_(
            "For FixMyStreet and other clients of mySociety's extensions: detailed statuses "
            "and external_status_code in the updates, attribute values echoed back."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    objects = ApiKeyManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def set_new_key(self) -> str:
        """Gives the key a new secret and returns it; only its hash is kept."""
        raw_key = new_raw_key()
        self.prefix = raw_key[:KEY_PREFIX_LENGTH]
        self.hashed_key = hash_api_key(raw_key)
        return raw_key


class ApiSubmission(models.Model):
    """How a report came through the Open311 API: the key that sent it and the values the
    sending system gave for its own bookkeeping (``attribute[fixmystreet_id]``…), which the
    API echoes back to that system. Not the reporter's details: those live on the report."""

    report = models.OneToOneField(
        "reports.Report",
        verbose_name=_("report"),
        on_delete=models.CASCADE,
        related_name="api_submission",
    )
    api_key = models.ForeignKey(
        ApiKey,
        verbose_name=_("Open311 API key"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    attributes = models.JSONField(_("attributes of the sending system"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 submission")
        verbose_name_plural = _("Open311 submissions")

    def __str__(self):
        return str(self.report_id)


class RemotePhoto(models.Model):
    """A photo a report came with as an address (``media_url``), to be downloaded off the
    request path. The row is the work itself, written in the report's transaction: a task
    lost to a broker outage loses nothing, beat queues the row again. Tried a bounded number
    of times; the outcome (the photo, or the failure) is on the staff timeline."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be downloaded")
        ATTACHED = "attached", _("Downloaded and added")
        FAILED = "failed", _("Could not be downloaded")

    report = models.ForeignKey(
        "reports.Report",
        verbose_name=_("report"),
        on_delete=models.CASCADE,
        related_name="remote_photos",
    )
    url = models.URLField(_("photo address"), max_length=2000)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("photo by address")
        verbose_name_plural = _("photos by address")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="remote_photo_due",
                condition=models.Q(state="pending"),
            )
        ]

    def __str__(self):
        return self.url
