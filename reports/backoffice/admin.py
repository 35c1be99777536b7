"""Configuring an agency's back office in the admin, and watching its deliveries."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from reports.models import BackOfficeDelivery, BackOfficeEndpoint
from reports.permissions import staff_access


class BackOfficeEndpointForm(forms.ModelForm):
    base_url = forms.URLField(
        assume_scheme="https",
        label=BackOfficeEndpoint._meta.get_field("base_url").verbose_name,
        help_text=BackOfficeEndpoint._meta.get_field("base_url").help_text,
    )

    class Meta:
        model = BackOfficeEndpoint
        fields = (
            "department",
            "base_url",
            "api_key",
            "jurisdiction_id",
            "service_codes",
            "acting_officer",
            "is_active",
        )

    def clean_service_codes(self):
        codes = self.cleaned_data["service_codes"] or {}
        if not isinstance(codes, dict) or not all(
            isinstance(key, str) and isinstance(value, str) and value.strip()
            for key, value in codes.items()
        ):
            raise forms.ValidationError(
                _('Write the codes as {"OUR_CODE": "THEIR_CODE", …}, each a piece of text.')
            )
        return codes

    def clean(self):
        cleaned = super().clean()
        department, officer = cleaned.get("department"), cleaned.get("acting_officer")
        if department and officer:
            access = staff_access(officer)
            if department.pk not in access.officer_of | access.manager_of | access.intake_of:
                self.add_error(
                    "acting_officer",
                    _("Choose an officer or manager of this agency: they record its updates."),
                )
        return cleaned


@admin.register(BackOfficeEndpoint)
class BackOfficeEndpointAdmin(admin.ModelAdmin):
    form = BackOfficeEndpointForm
    list_display = ("department", "base_url", "is_active", "updates_read_until")
    list_filter = ("is_active",)
    raw_id_fields = ("acting_officer",)
    readonly_fields = ("updates_read_until",)


@admin.register(BackOfficeDelivery)
class BackOfficeDeliveryAdmin(admin.ModelAdmin):
    list_display = ("report", "endpoint", "state", "attempts", "next_attempt_at", "sent_at")
    list_filter = ("state", "endpoint")
    list_select_related = ("report", "endpoint__department")
    raw_id_fields = ("report",)
    readonly_fields = (
        "report",
        "endpoint",
        "state",
        "attempts",
        "next_attempt_at",
        "last_error",
        "external_id",
        "created_at",
        "sent_at",
    )

    def has_add_permission(self, request):
        return False  # deliveries are made by dispatching a report
