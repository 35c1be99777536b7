"""Filters of the staff report list (django-filter)."""

from __future__ import annotations

import re

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from reports.models import Report
from reports.permissions import assignable_users
from reports.search import fold_diacritics
from reports.tracking import normalise_tracking_code
from services.collation import VietnameseCollate
from services.models import Category, Commune, Department

# A tracking code as people type it: "CM-4K7P-X9QD", "cm 4k7p x9qd", "4K7PX9QD".
_CODE_LIKE = re.compile(r"^\s*(cm)?[\s-]*[0-9a-z]{4}[\s-]*[0-9a-z]{4}\s*$", re.IGNORECASE)
MAX_SEARCH_WORDS = 8


class DeadlineState:
    ON_TIME = "on_time"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    CHOICES = [
        (ON_TIME, _("On time")),
        (DUE_SOON, _("Due within a working day")),
        (OVERDUE, _("Overdue")),
    ]


def search_reports(queryset, text: str):
    """Code, title and description; "duong" finds "đường" (see reports.search). Every word
    typed must begin a word of the report."""
    text = (text or "").strip()
    if not text:
        return queryset
    code = normalise_tracking_code(text) if _CODE_LIKE.match(text) else None
    if code and any(ch.isdigit() for ch in text):
        return queryset.filter(tracking_code=code)
    words = Q()
    for word in fold_diacritics(text).split()[:MAX_SEARCH_WORDS]:
        # Words that start with what was typed: "ga" finds "gà" but not "ngã".
        words &= (
            Q(search_text__startswith=word)
            | Q(search_text__contains=f" {word}")
            | Q(search_text__contains=f"\n{word}")
        )
    if code:
        # Letters only: a code (one in twenty has no digit, "CM-PEAG-WEGZ") or two words
        # ("nuoc ngap"); either is found.
        return queryset.filter(Q(tracking_code=code) | words)
    return queryset.filter(words)


class StaffReportFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_search",
        label=_("Search"),
        widget=forms.TextInput(attrs={"placeholder": _("Code, title or description")}),
    )
    # Empty choices read "All" (set in __init__ for the model choices), never "---------".
    status = django_filters.ChoiceFilter(
        choices=Report.Status.choices, label=_("Status"), empty_label=_("All")
    )
    category = django_filters.ModelChoiceFilter(
        queryset=Category.objects.only("id", "name_vi", "name_en").order_by(
            VietnameseCollate("name_vi")
        ),
        label=_("Category"),
    )
    commune = django_filters.ModelChoiceFilter(
        queryset=Commune.objects.only("id", "name"), label=_("Commune")
    )
    department = django_filters.ModelChoiceFilter(
        queryset=Department.objects.filter(is_active=True).only("id", "name_vi", "name_en"),
        label=_("Agency"),
    )
    assigned_to = django_filters.ModelChoiceFilter(
        queryset=User.objects.none(), label=_("Assigned to"), null_label=_("Nobody")
    )
    priority = django_filters.ChoiceFilter(
        choices=Report.Priority.choices, label=_("Priority"), empty_label=_("All")
    )
    deadline = django_filters.ChoiceFilter(
        choices=DeadlineState.CHOICES,
        method="filter_deadline",
        label=_("Deadline state"),
        empty_label=_("All"),
    )
    submitted = django_filters.DateFromToRangeFilter(
        field_name="submitted_at",
        label=_("Submitted between"),
        widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"}),
    )

    class Meta:
        model = Report
        fields = []

    def __init__(self, *args, access, now, soon, **kwargs):
        super().__init__(*args, **kwargs)
        self.now, self.soon = now, soon
        self.filters["assigned_to"].queryset = assignable_staff(access)
        for field in self.form.fields.values():
            _bootstrap(field.widget)
            if hasattr(field, "empty_label"):
                field.empty_label = _("All")
        # The two dates of the range share one visible label: each needs its own name.
        start, end = self.form.fields["submitted"].widget.widgets
        start.attrs["aria-label"] = _("Submitted from")
        end.attrs["aria-label"] = _("Submitted until")

    def filter_search(self, queryset, name, value):
        return search_reports(queryset, value)

    def filter_deadline(self, queryset, name, value):
        if value == DeadlineState.OVERDUE:
            return queryset.overdue(self.now)
        if value == DeadlineState.DUE_SOON:
            return queryset.due_soon(self.now, until=self.soon)
        if value == DeadlineState.ON_TIME:
            return queryset.on_time(until=self.soon)
        return queryset


def _bootstrap(widget):
    if isinstance(widget, forms.MultiWidget):
        for sub in widget.widgets:
            _bootstrap(sub)
        return
    css = (
        "form-select form-select-sm"
        if isinstance(widget, forms.Select)
        else "form-control form-control-sm"
    )
    widget.attrs["class"] = css


def assignable_staff(access):
    """The assignees the user's lists offer (filter and bulk assignment): everyone assignable
    in the agencies the user works for, or in any agency for the province-wide roles. The
    rule itself is ``reports.permissions.assignable_users``."""
    departments = None if access.sees_all else access.agency_departments
    return assignable_users(departments=departments).only("id", "email", "full_name")
