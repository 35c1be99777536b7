"""The reporter's forms on their private page: answer a request for information, rate."""

from django import forms
from django.utils.translation import gettext_lazy as _

from reports.intake.photo_fields import PhotosField
from reports.models import Rating


class ProvideInfoForm(forms.Form):
    text = forms.CharField(
        label=_("Your answer"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    photos = PhotosField(label=_("Photos (optional)"))

    def clean(self):
        data = super().clean()
        if not (data.get("text") or "").strip() and not data.get("photos"):
            raise forms.ValidationError(_("Write an answer or add a photo."))
        return data


class RateForm(forms.Form):
    value = forms.ChoiceField(
        label=_("How was the answer?"), choices=Rating.Value.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
