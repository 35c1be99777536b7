import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from camau_portal.storage import photo_originals_storage
from reports.models.querysets import PhotoQuerySet


def _photo_path(instance, filename):
    return f"photos/{instance.key[:2]}/{instance.key}.jpg"


def _thumbnail_path(instance, filename):
    return f"thumbs/{instance.key[:2]}/{instance.key}.jpg"


def _original_path(instance, filename):
    # The uploader's file name is never used: it may name a person or a place.
    return f"originals/{instance.key[:2]}/{instance.key}"


def new_photo_key() -> str:
    return secrets.token_urlsafe(18)


class Photo(models.Model):
    """A re-encoded photo: orientation applied, every metadata field stripped, at most 2048 px.

    A photo is staged (no report) from the moment it is uploaded, so that a form with an error
    keeps it; submitting attaches it. Staged photos never attached are removed after a day.

    The upload is only checked in the request and kept as ``original`` in private storage
    (``state`` pending); the images worker makes ``image`` and ``thumbnail`` and deletes the
    original (ready), or gives up on a file that does not decode (failed). Only a ready photo
    has an address: ``full_url`` and ``display_url`` are None before.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("being processed")
        READY = "ready", _("ready")
        FAILED = "failed", _("could not be read")

    class Kind(models.TextChoices):
        REPORT = "report", _("Reporter's photo")
        INFO = "info", _("Additional information")
        AFTER = "after", _("After the work")

    key = models.CharField(max_length=32, unique=True, default=new_photo_key, editable=False)
    report = models.ForeignKey(
        "reports.Report",
        verbose_name=_("report"),
        on_delete=models.CASCADE,
        related_name="photos",
        null=True,
        blank=True,
    )
    event = models.ForeignKey(
        "reports.ReportEvent",
        verbose_name=_("event"),
        on_delete=models.SET_NULL,
        related_name="photos",
        null=True,
        blank=True,
    )
    kind = models.CharField(_("kind"), max_length=6, choices=Kind.choices, default=Kind.REPORT)
    state = models.CharField(
        _("state"), max_length=7, choices=State.choices, default=State.PENDING, db_index=True
    )
    # The upload as received, until the worker has made ``image`` from it; never served.
    original = models.FileField(
        upload_to=_original_path, storage=photo_originals_storage, blank=True, editable=False
    )
    # No width_field/height_field: the pipeline stores the size it made, and Django would
    # otherwise open the file (over the network, with object storage) to measure it again.
    image = models.ImageField(_("image"), upload_to=_photo_path, blank=True)
    thumbnail = models.ImageField(_("thumbnail"), upload_to=_thumbnail_path, blank=True)
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # Who staged the photo, and only they may attach it to a report: the browser's session, or
    # the report form's client key (see reports.intake.uploads.photo_owner).
    staged_by = models.CharField(max_length=64, blank=True, editable=False)
    # SHA-256 of the bytes as uploaded: the same upload retried by its owner reuses this photo.
    upload_digest = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True, db_index=True)
    is_hidden = models.BooleanField(_("hidden from the public"), default=False)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=255, blank=True)

    objects = PhotoQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        constraints = [
            models.UniqueConstraint(
                fields=["staged_by", "upload_digest"],
                condition=models.Q(report__isnull=True) & ~models.Q(upload_digest=""),
                name="photo_staged_once_per_owner",
            ),
        ]

    def __str__(self):
        return self.key

    @property
    def is_ready(self) -> bool:
        return self.state == self.State.READY and bool(self.image)

    @property
    def full_url(self) -> str | None:
        """The clean image's address; None while it is being made (nothing else is shown)."""
        return self.image.url if self.is_ready else None

    @property
    def display_url(self) -> str | None:
        """The thumbnail's address (the image's until the thumbnail exists); None until ready."""
        return (self.thumbnail or self.image).url if self.is_ready else None
