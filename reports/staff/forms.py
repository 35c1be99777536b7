"""Forms of the staff dashboard: sign-in, the workbench actions, bulk actions."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from reports.intake.photo_fields import PhotosField
from reports.models import Report
from reports.permissions import assignable_users, visible_reports_for
from reports.tracking import normalise_tracking_code
from services.models import Department

TEXT_ROWS = 4


def active_departments():
    return Department.objects.filter(is_active=True).only("id", "code", "name_vi", "name_en")


class StaffLoginForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "username"})
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


def _text(label, *, required=True, max_length=4000, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": TEXT_ROWS}),
    )


class ActionForm(forms.Form):
    """Base of the workbench forms: knows the report and the user acting on it."""

    def __init__(self, *args, report: Report, user, **kwargs):
        self.report, self.user = report, user
        super().__init__(*args, **kwargs)


class AcceptForm(ActionForm):
    department = forms.ModelChoiceField(
        queryset=Department.objects.none(), label=_("Agency"), empty_label=_("Choose the agency")
    )
    priority = forms.ChoiceField(choices=Report.Priority.choices, label=_("Priority"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = active_departments()
        self.fields["department"].initial = self.report.proposed_department_id
        self.fields["priority"].initial = self.report.priority


class RejectForm(ActionForm):
    reason = _text(_("Reason (shown to the reporter and the public)"))


class DuplicateForm(ActionForm):
    original = forms.CharField(
        label=_("Tracking code of the original report"),
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": "CM-XXXX-XXXX"}),
    )
    note = _text(_("Internal note"), required=False)

    def clean_original(self):
        code = normalise_tracking_code(self.cleaned_data["original"])
        original = (
            visible_reports_for(self.user).filter(tracking_code=code).first() if code else None
        )
        if original is None:
            raise forms.ValidationError(_("No report you can see has this code."))
        return original


class TransferForm(ActionForm):
    department = forms.ModelChoiceField(
        queryset=Department.objects.none(),
        label=_("New agency"),
        empty_label=_("Choose the agency"),
    )
    reason = _text(_("Reason (internal)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = active_departments().exclude(
            pk=self.report.department_id
        )


class AssignForm(ActionForm):
    assignee = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label=_("Officer"),
        required=False,
        empty_label=_("Nobody"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignable_users(report=self.report).only(
            "id", "email", "full_name"
        )
        self.fields["assignee"].initial = self.report.assigned_to_id


class PriorityForm(ActionForm):
    priority = forms.ChoiceField(choices=Report.Priority.choices, label=_("Priority"))
    reason = _text(_("Reason (internal)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority"].initial = self.report.priority


class EmptyActionForm(ActionForm):
    """Start work, close: nothing to fill in."""


class RequestInfoForm(ActionForm):
    question = _text(_("Question for the reporter (not public)"))


class NoteForm(ActionForm):
    text = _text(_("Internal note (staff only)"))


class PublicUpdateForm(ActionForm):
    message = _text(_("Public update"))


class ExtendForm(ActionForm):
    working_days = forms.IntegerField(
        label=_("Extra working days"), min_value=1, max_value=60, initial=5
    )
    reason = _text(_("Reason for the extension"))


class ResolveForm(ActionForm):
    answer = _text(_("Public answer"))
    photos = PhotosField(label=_("Photos after the work (optional)"))


class ReopenForm(ActionForm):
    reason = _text(_("Reason (public)"))


class BulkActionForm(forms.Form):
    ACCEPT = "accept"
    DISPATCH = "dispatch"
    ASSIGN = "assign"

    action = forms.ChoiceField(
        choices=[
            (ACCEPT, _("Accept and dispatch to the proposed agency")),
            (DISPATCH, _("Accept and dispatch to…")),
            (ASSIGN, _("Assign to…")),
        ]
    )
    codes = forms.MultipleChoiceField(choices=[], required=True)
    department = forms.ModelChoiceField(queryset=Department.objects.none(), required=False)
    assignee = forms.ModelChoiceField(queryset=User.objects.none(), required=False)

    MAX_REPORTS = 200

    def __init__(self, *args, assignees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = active_departments()
        self.fields["assignee"].queryset = assignees
        # Any code is accepted here; the view keeps only reports the user may see.
        codes = self.data.getlist("codes") if hasattr(self.data, "getlist") else []
        self.fields["codes"].choices = [(code, code) for code in codes]

    def clean_codes(self):
        # Only real tracking codes reach the database, whatever the browser sent.
        codes = [normalise_tracking_code(code) for code in self.cleaned_data["codes"]]
        if None in codes:
            raise forms.ValidationError(
                _("Only tracking codes can be selected, like CM-4K7P-X9QD."), code="not_a_code"
            )
        codes = list(dict.fromkeys(codes))
        if len(codes) > self.MAX_REPORTS:
            raise forms.ValidationError(
                _("Select at most %(count)d reports."), params={"count": self.MAX_REPORTS}
            )
        return codes

    def clean(self):
        data = super().clean()
        if data.get("action") == self.DISPATCH and not data.get("department"):
            self.add_error("department", _("Choose the agency."))
        return data
