"""Issuing and revoking Open311 API keys in the admin."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from reports.models import ApiKey
from reports.open311.actions import api_key_revoke


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "prefix",
        "is_active",
        "requests_per_hour",
        "mysociety_extensions",
        "created_at",
        "last_used_at",
    )
    list_filter = ("is_active", "mysociety_extensions")
    search_fields = ("name", "contact_email", "prefix")
    fields = (
        "name",
        "contact_email",
        "requests_per_hour",
        "mysociety_extensions",
        "is_active",
        "prefix",
        "created_at",
        "last_used_at",
    )
    readonly_fields = ("prefix", "created_at", "last_used_at")
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        # A key stops working only through the revoke action, which records who revoked it.
        if obj is None:
            return self.readonly_fields
        return (*self.readonly_fields, "is_active")

    def save_model(self, request, obj, form, change):
        if not change:
            raw_key = obj.set_new_key()
            super().save_model(request, obj, form, change)
            messages.warning(
                request,
                _(
                    "The new key is %(key)s. Copy it now: it is not stored and cannot be "
                    "shown again."
                )
                % {"key": raw_key},
            )
            return
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Revoke the selected keys"), permissions=["change"])
    def revoke(self, request, queryset):
        try:
            for api_key in queryset:
                api_key_revoke(api_key=api_key, acting_user=request.user)
        except PermissionDenied as refused:
            messages.error(request, str(refused))
            return
        messages.success(request, _("The selected keys are revoked."))
