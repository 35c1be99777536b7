import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from camau_portal.notifications.forms import PhoneNumberField, texting_phone_error
from reports.tracking import normalise_tracking_code
from services.models import Category, Commune


def grouped_category_choices(categories) -> list:
    """Categories in <optgroup>s by their group, as in the reference data."""
    groups: dict[str, list] = {}
    for category in categories:
        groups.setdefault(category.group, []).append((category.pk, category.name))
    return [("", _("Choose what the problem is")), *groups.items()]


# Characters that take no room on screen: spaces, controls, formatting marks (zero-width
# spaces and joiners, direction marks) and the "filler" letters that draw nothing.
_BLANK_CATEGORIES = {"Zs", "Zl", "Zp", "Cc", "Cf", "Cn", "Co", "Cs", "Mn", "Me"}
_BLANK_LETTERS = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"}


def visible_length(text: str) -> int:
    """How many characters of ``text`` a reader actually sees."""
    return sum(
        1
        for char in text
        if unicodedata.category(char) not in _BLANK_CATEGORIES and char not in _BLANK_LETTERS
    )


@deconstructible
class VisibleTextValidator:
    """Refuses text that looks blank (only spaces, zero-width or invisible characters) or
    shows fewer than ``minimum`` characters."""

    def __init__(self, minimum: int):
        self.minimum = minimum

    def __call__(self, value: str):
        if visible_length(value) < self.minimum:
            raise ValidationError(
                ngettext_lazy(
                    "This looks blank: write at least %(minimum)d character that can be seen.",
                    "This looks blank or too short: write at least %(minimum)d characters "
                    "that can be seen.",
                    "minimum",
                ),
                code="blank_looking",
                params={"minimum": self.minimum},
            )

    def __eq__(self, other):
        return isinstance(other, VisibleTextValidator) and other.minimum == self.minimum


class ReportForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("What is the problem?"), queryset=Category.objects.filter(is_active=True)
    )
    title = forms.CharField(
        label=_("Short title"),
        max_length=120,
        min_length=5,
        validators=[VisibleTextValidator(3)],
        widget=forms.TextInput(
            attrs={"placeholder": _("e.g. Deep pothole in front of the market")}
        ),
    )
    description = forms.CharField(
        label=_("Description"),
        min_length=10,
        max_length=4000,
        validators=[VisibleTextValidator(5)],
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you see, since when, and how it affects people."),
    )
    commune = forms.ModelChoiceField(
        label=_("Commune or ward"),
        queryset=Commune.objects.filter(is_active=True),
        empty_label=_("Choose the commune or ward"),
    )
    latitude = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(
        label=_("Longitude"), required=False, min_value=-180, max_value=180
    )
    address = forms.CharField(
        label=_("Address or landmark"),
        max_length=255,
        required=False,
        help_text=_("Helps the officers find the place."),
    )
    reporter_name = forms.CharField(label=_("Your name"), max_length=150, required=False)
    reporter_email = forms.EmailField(label=_("Email"), required=False)
    reporter_phone = PhoneNumberField(
        label=_("Phone"),
        required=False,
        help_text=_("Without an email, we send the tracking code and each change by SMS here."),
    )
    contact_allowed = forms.BooleanField(
        label=_("The handling agency may contact me about this report"), required=False
    )
    name_hidden = forms.BooleanField(
        label=_("Do not show my name publicly"), required=False, initial=True
    )
    # Set by the "submit anyway" button after nearby reports were offered.
    nearby_checked = forms.BooleanField(required=False, widget=forms.HiddenInput)
    # Made by the device's script for each report it composes (empty without JavaScript): a
    # retry under the same key returns the report already filed (see report_submit).
    client_key = forms.UUIDField(required=False, widget=forms.HiddenInput)
    # A field people never see; bots fill it in.
    website = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"})
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["category"].widget.choices = grouped_category_choices(
            self.fields["category"].queryset
        )
        if user is not None and user.is_authenticated:
            self.fields["reporter_email"].initial = user.email
            self.fields["reporter_name"].initial = user.full_name
            self.fields["reporter_phone"].initial = user.phone

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("Leave this field empty."))
        return ""

    # What the web form and Open311 both hand to ``report_submit`` once the form is valid.
    SUBMITTED_FIELDS = (
        "category",
        "commune",
        "title",
        "description",
        "latitude",
        "longitude",
        "address",
        "reporter_name",
        "reporter_email",
        "reporter_phone",
    )

    def submitted_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.SUBMITTED_FIELDS}

    def clean(self):
        cleaned = super().clean()
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        if (latitude is None) != (longitude is None) and not self.has_error("latitude"):
            self.add_error("latitude", _("Give both latitude and longitude, or neither."))
        signed_in = self.user is not None and self.user.is_authenticated
        if (
            (
                not signed_in
                and not cleaned.get("reporter_email")
                and not cleaned.get("reporter_phone")
            )
            and not self.has_error("reporter_email")
            and not self.has_error("reporter_phone")
        ):
            self.add_error(
                "reporter_email",
                _("Give an email address or a phone number so we can tell you what happens."),
            )
        if not signed_in and not cleaned.get("reporter_email"):
            texting_error = texting_phone_error(cleaned.get("reporter_phone", ""))
            if texting_error:
                self.add_error("reporter_phone", texting_error)
        if cleaned.get("contact_allowed") and not (
            cleaned.get("reporter_phone") or cleaned.get("reporter_email") or signed_in
        ):
            self.add_error("contact_allowed", _("Give a phone number or email to be contacted."))
        return cleaned


class FollowForm(forms.Form):
    email = forms.EmailField(label=_("Your email"))


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "placeholder": "CM-XXXX-XXXX",
                "autocapitalize": "characters",
                "spellcheck": "false",
            }
        ),
    )

    def clean_code(self):
        code = normalise_tracking_code(self.cleaned_data["code"])
        if code is None:
            raise forms.ValidationError(
                _("A tracking code looks like CM-4K7P-X9QD: two letters and eight characters.")
            )
        return code
