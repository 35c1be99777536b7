"""Issuing and revoking Open311 API keys in the admin."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from reports.models import ApiKey


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "prefix",
        "is_active",
        "requests_per_hour",
        "created_at",
        "last_used_at",
    )
    list_filter = ("is_active",)
    search_fields = ("name", "contact_email", "prefix")
    fields = (
        "name",
        "contact_email",
        "requests_per_hour",
        "is_active",
        "prefix",
        "created_at",
        "last_used_at",
    )
    readonly_fields = ("prefix", "created_at", "last_used_at")
    actions = ["revoke"]

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

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request, queryset):
        queryset.update(is_active=False)
