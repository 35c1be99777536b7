"""The form field for photo uploads, wired to ``static/js/photos.js``.

The widget carries the limits and the translated messages the script shows in the browser
(as ``data-*`` attributes), so the page needs no JavaScript catalogue. The field only counts
files; ``reports.intake.photos.photo_stage`` validates and re-encodes each one.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g}"


class PhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True
    template_name = "django/forms/widgets/file.html"  # no "clear" checkbox

    def __init__(self, attrs=None, max_files: int | None = None):
        super().__init__(attrs)
        self.max_files = max_files

    def get_context(self, name, value, attrs):
        max_files = self.max_files if self.max_files is not None else settings.PHOTOS_PER_REPORT
        script_attrs = {
            "accept": "image/*",
            "data-photo-input": "",
            "data-max-files": str(max_files),
            "data-max-edge": str(settings.PHOTO_MAX_EDGE),
            "data-max-bytes": str(settings.PHOTO_MAX_BYTES),
            # "%(max)s" and "%(name)s" are filled in by the script.
            "data-msg-too-many": _("At most %(max)s photos per report."),
            "data-msg-too-large": str(_("%(name)s is too large: at most %(limit)s MB per photo."))
            % {"name": "%(name)s", "limit": _megabytes(settings.PHOTO_MAX_BYTES)},
            "data-msg-processing": _("Preparing your photos…"),
        }
        return super().get_context(name, value, {**script_attrs, **(attrs or {})})


class PhotosField(forms.FileField):
    """Several photos from one input; cleans to a list of uploaded files (maybe empty)."""

    widget = PhotoInput

    def __init__(self, *, max_files: int | None = None, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.max_files = max_files if max_files is not None else settings.PHOTOS_PER_REPORT
        self.widget.max_files = self.max_files

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            files = [super(PhotosField, self).clean(item, initial) for item in data if item]
        else:
            files = [super().clean(data, initial)] if data else []
        if self.required and not files:
            raise ValidationError(self.error_messages["required"], code="required")
        if len(files) > self.max_files:
            raise ValidationError(
                ngettext(
                    "At most %(max)s photo per report.",
                    "At most %(max)s photos per report.",
                    self.max_files,
                ),
                code="too_many_photos",
                params={"max": self.max_files},
            )
        return files
