"""The period a statistics page covers: a preset or two dates."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reports.stats.figures import Period

PRESET_DAYS = {"30d": 30, "90d": 90, "365d": 365}
DEFAULT_PRESET = "90d"
MAX_DAYS = 3 * 366
DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
# Plain text in dd/mm/yyyy: a browser date picker would show the browser's own format.
DATE_ATTRS = {"class": "form-control", "placeholder": "dd/mm/yyyy", "inputmode": "numeric"}


class PeriodForm(forms.Form):
    period = forms.ChoiceField(
        label=_("Period"),
        required=False,
        initial=DEFAULT_PRESET,
        choices=[
            ("30d", _("Last 30 days")),
            ("90d", _("Last 90 days")),
            ("365d", _("Last 12 months")),
            ("year", _("This year")),
            ("custom", _("Between two dates")),
        ],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    start = forms.DateField(
        label=_("From"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs=DATE_ATTRS, format="%d/%m/%Y"),
    )
    end = forms.DateField(
        label=_("To"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs=DATE_ATTRS, format="%d/%m/%Y"),
    )

    def clean(self):
        data = super().clean()
        if data.get("period") == "custom":
            start, end = data.get("start"), data.get("end")
            if not start or not end:
                raise forms.ValidationError(_("Choose both dates."))
            if start > end:
                raise forms.ValidationError(_("The first date must not be after the second."))
            if (end - start).days >= MAX_DAYS:
                raise forms.ValidationError(_("Choose a period of at most three years."))
        return data

    def selected_period(self, today: date | None = None) -> Period:
        """The chosen period; the default preset when the form is empty or invalid."""
        today = today or timezone.localdate()
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        choice = data.get("period") or DEFAULT_PRESET
        if choice == "custom":
            return Period(start=data["start"], end=min(data["end"], today))
        if choice == "year":
            return Period(start=date(today.year, 1, 1), end=today)
        return Period(start=today - timedelta(days=PRESET_DAYS[choice] - 1), end=today)
