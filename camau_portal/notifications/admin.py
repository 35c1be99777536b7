"""The outbox in admin, read-only: what was sent to whom, and why a row failed."""

from django.contrib import admin

from camau_portal.admin_paginator import CappedCountPaginator
from camau_portal.notifications.models import OutboundEmail


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "channel",
        "template",
        "recipient",
        "status",
        "attempts",
        "sent_at",
    ]
    list_filter = ["channel", "status", "template"]
    search_fields = ["=recipient"]
    ordering = ["-created_at"]
    show_full_result_count = False
    paginator = CappedCountPaginator
    list_per_page = 50

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
