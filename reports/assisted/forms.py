"""The assisted entry form: a report typed in during a telephone call or beside the resident,
in the order the conversation goes, every field reachable from the keyboard."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from camau_portal.notifications.forms import PhoneNumberField, texting_phone_error
from reports.assisted.lookup import Candidate, matching
from reports.intake.forms import VisibleTextValidator
from reports.models import Report
from reports.permissions import StaffAccess
from services.models import Category, Commune

# How many matches an ambiguous answer lists before asking for more letters.
MATCHES_SHOWN = 6


class SearchChoiceField(forms.CharField):
    """A text box with suggestions (an HTML ``<datalist>``, which needs no script) that
    cleans to the one item the text designates, or says which items it could mean."""

    def __init__(self, *, datalist: str, not_found: str, ambiguous: str, **kwargs):
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)
        self.datalist = datalist
        self.not_found, self.ambiguous = not_found, ambiguous
        self.candidates: list[Candidate] = []
        self.widget.attrs.update({"list": datalist, "autocomplete": "off", "spellcheck": "false"})

    def clean(self, value):
        typed = super().clean(value)
        if not typed:
            return None
        found = matching(typed, self.candidates)
        if not found:
            raise forms.ValidationError(self.not_found, params={"typed": typed}, code="not_found")
        if len(found) > 1:
            names = "; ".join(str(item) for item in found[:MATCHES_SHOWN])
            raise forms.ValidationError(
                self.ambiguous, params={"typed": typed, "names": names}, code="ambiguous"
            )
        return found[0]


class AssistedReportForm(forms.Form):
    source = forms.ChoiceField(label=_("Channel"))
    category = SearchChoiceField(
        label=_("Problem (type to search)"),
        datalist="category-options",
        not_found=_("No category matches “%(typed)s”. Type a few letters of its name."),
        ambiguous=_("“%(typed)s” matches several categories: %(names)s. Type one in full."),
    )
    commune = SearchChoiceField(
        label=_("Commune or ward (type to search)"),
        datalist="commune-options",
        not_found=_("No commune or ward matches “%(typed)s”. Old names are known too."),
        ambiguous=_("“%(typed)s” matches several communes: %(names)s. Type one in full."),
    )
    address = forms.CharField(
        label=_("Address or landmark"),
        max_length=255,
        required=False,
        help_text=_("Hamlet, road, house number or a landmark the resident names."),
    )
    latitude = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(
        label=_("Longitude"), required=False, min_value=-180, max_value=180
    )
    description = forms.CharField(
        label=_("What the resident says"),
        min_length=10,
        max_length=4000,
        validators=[VisibleTextValidator(5)],
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    title = forms.CharField(
        label=_("Short title"),
        max_length=120,
        min_length=5,
        validators=[VisibleTextValidator(3)],
        required=False,
        help_text=_("Leave empty to use the problem and the address."),
    )
    reporter_name = forms.CharField(label=_("Resident's name"), max_length=150)
    reporter_phone = PhoneNumberField(
        label=_("Resident's phone"),
        required=False,
        # The operator types someone else's number: the browser must not offer their own.
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    reporter_email = forms.EmailField(label=_("Resident's email (if any)"), required=False)
    language = forms.ChoiceField(
        label=_("Resident's language"), choices=settings.LANGUAGES, initial="vi"
    )
    contact_allowed = forms.TypedChoiceField(
        label=_("The resident's answer"),
        choices=[("yes", _("Yes, agrees")), ("no", _("No, does not agree"))],
        coerce=lambda answer: answer == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Read the question to the resident and record the answer.")},
    )
    client_key = forms.UUIDField(required=False, widget=forms.HiddenInput)

    # The order of the page, which the list of errors follows.
    field_order = [
        "source",
        "reporter_name",
        "reporter_phone",
        "language",
        "reporter_email",
        "category",
        "description",
        "title",
        "commune",
        "address",
        "latitude",
        "longitude",
        "contact_allowed",
    ]

    def __init__(self, *args, access: StaffAccess, **kwargs):
        super().__init__(*args, **kwargs)
        self.access = access
        labels = dict(Report.Source.choices)
        self.fields["source"].choices = [(key, labels[key]) for key in access.entry_channels]
        categories = list(Category.objects.filter(is_active=True))
        self.fields["category"].candidates = [
            Candidate(
                category,
                names=[category.name_vi, category.name_en, category.code],
                words=" ".join([category.group_vi, category.group_en, category.keywords]),
            )
            for category in categories
        ]
        self.categories = categories
        communes = Commune.objects.filter(is_active=True)
        if access.entry_communes is not None:
            communes = communes.filter(pk__in=access.entry_communes)
        communes = list(communes)
        self.fields["commune"].candidates = [
            Candidate(
                commune,
                # "An Xuyên" names "Phường An Xuyên" as well.
                names=[commune.name, commune.name.split(" ", 1)[-1], commune.code],
                words=commune.predecessors,
            )
            for commune in communes
        ]
        self.communes = communes
        if len(communes) == 1 and not self.is_bound:
            self.initial.setdefault("commune", communes[0].name)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.Select) and not isinstance(widget, forms.RadioSelect):
                widget.attrs.setdefault("class", "form-select")
            elif not isinstance(widget, forms.HiddenInput | forms.RadioSelect):
                widget.attrs.setdefault("class", "form-control")
        if not self.is_bound:
            # The call starts with who is calling.
            self.fields["reporter_name"].widget.attrs["autofocus"] = True

    def describe_errors(self) -> None:
        """Ties each field to its help text and its error for screen readers, and marks the
        fields in error as invalid (the template prints them under these ids)."""
        for name, field in self.fields.items():
            described_by = []
            if field.help_text:
                described_by.append(f"id_{name}_help")
            if name in self.errors:
                described_by.append(f"id_{name}_error")
                field.widget.attrs["aria-invalid"] = "true"
                field.widget.attrs["class"] = field.widget.attrs.get("class", "") + " is-invalid"
            if described_by:
                field.widget.attrs["aria-describedby"] = " ".join(described_by)

    def clean(self):
        cleaned = super().clean()
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        if (latitude is None) != (longitude is None) and not self.has_error("latitude"):
            self.add_error("latitude", _("Give both latitude and longitude, or neither."))
        if (
            not cleaned.get("reporter_phone")
            and not cleaned.get("reporter_email")
            and not self.has_error("reporter_phone")
            and not self.has_error("reporter_email")
        ):
            self.add_error(
                "reporter_phone",
                _("Give the resident's phone number (or email) so they can be told."),
            )
        if not cleaned.get("reporter_email"):
            texting_error = texting_phone_error(cleaned.get("reporter_phone", ""))
            if texting_error:
                self.add_error("reporter_phone", texting_error)
        return cleaned

    def report_fields(self) -> dict:
        """What ``report_submit`` files, the title made from the problem and the place when
        none was typed (in the resident's language)."""
        data = self.cleaned_data
        title = data["title"].strip()
        if not title:
            category = data["category"]
            name = category.name_en if data["language"] == "en" and category.name_en else None
            parts = [name or category.name_vi, data["address"].strip()]
            title = " – ".join(part for part in parts if part)[:120]
        return {
            "source": data["source"],
            "category": data["category"],
            "commune": data["commune"],
            "title": title,
            "description": data["description"],
            "latitude": data["latitude"],
            "longitude": data["longitude"],
            "address": data["address"],
            "reporter_name": data["reporter_name"],
            "reporter_phone": data["reporter_phone"],
            "reporter_email": data["reporter_email"],
            "contact_allowed": data["contact_allowed"],
            "language": data["language"],
            "client_key": data["client_key"],
        }
