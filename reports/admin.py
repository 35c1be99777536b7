"""Administration of reports: moderation (hiding a report or a photo with a reason) and the
audit timeline, read-only. Workflow fields are never edited here: the dashboard's actions own
them. List pages stay fast on a million reports: no full counts, no per-row queries, and
raw-id widgets for the big tables."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from camau_portal.admin_paginator import CappedCountPaginator
from camau_portal.notifications.admin import OutboundEmailAdmin
from camau_portal.notifications.models import OutboundEmail
from reports.backoffice import admin as backoffice_admin  # noqa: F401 - registers its admin
from reports.handling.moderation import photo_hide, photo_show, report_hide, report_show
from reports.models import (
    DeadlineReminder,
    Follower,
    Photo,
    Rating,
    Report,
    ReportEvent,
)
from reports.open311 import admin as open311_admin  # noqa: F401 - registers the API key admin
from reports.staff.filters import search_reports


class BigTableAdmin(admin.ModelAdmin):
    show_full_result_count = False
    paginator = CappedCountPaginator
    list_per_page = 50


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PhotoInlineForm(forms.ModelForm):
    """A table row has column headings, not labels: each field gets its own accessible name."""

    class Meta:
        model = Photo
        fields = ["is_hidden", "hidden_reason"]
        widgets = {
            "is_hidden": forms.CheckboxInput(attrs={"aria-label": _("Hide this photo")}),
            "hidden_reason": forms.TextInput(attrs={"aria-label": _("Reason for hiding")}),
        }


class PhotoInline(admin.TabularInline):
    model = Photo
    form = PhotoInlineForm
    fields = ["preview", "kind", "created_at", "is_hidden", "hidden_reason"]
    readonly_fields = ["preview", "kind", "created_at"]
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("photo"))
    def preview(self, photo):
        if not photo.is_ready:  # nothing unprocessed has an address
            return photo.get_state_display()
        return format_html(
            '<a href="{}" target="_blank" rel="noopener"><img src="{}" alt="{}" '
            'class="admin-photo-preview"></a>',
            photo.full_url,
            photo.display_url,
            _("Open the photo in full size"),
        )


class EventInline(ReadOnlyMixin, admin.TabularInline):
    model = ReportEvent
    fields = ["created_at", "kind", "actor", "is_public", "public_message", "internal_note"]
    readonly_fields = fields
    ordering = ["created_at", "id"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class ModerationActionForm(ActionForm):
    """The bulk actions of the report list; the empty choice says what to do, not "---------"."""

    hidden_reason = forms.CharField(label=_("Reason for hiding"), required=False, max_length=255)


@admin.register(Report)
class ReportAdmin(BigTableAdmin):
    action_form = ModerationActionForm
    list_display = [
        "tracking_code",
        "title",
        "status",
        "category",
        "commune",
        "department",
        "submitted_at",
        "is_hidden",
    ]
    list_filter = ["status", "priority", "is_hidden", "source", "category"]
    list_select_related = ["category", "commune", "department"]
    search_fields = ["tracking_code"]  # see get_search_results
    search_help_text = _("A tracking code, or words of the title or description.")
    ordering = ["-submitted_at"]
    inlines = [PhotoInline, EventInline]
    raw_id_fields = ["assigned_to", "reporter", "duplicate_of", "entered_by"]
    fieldsets = [
        (None, {"fields": ["tracking_code", "title", "description", "status", "priority"]}),
        (
            _("Moderation"),
            {
                "fields": ["is_hidden", "hidden_reason"],
                "description": _(
                    "Hiding takes the report off every public page, feed and the API. "
                    "The reporter and staff still see it. The reason is recorded."
                ),
            },
        ),
        (
            _("Where and what"),
            {"fields": ["category", "commune", "latitude", "longitude", "address", "source"]},
        ),
        (
            _("Handling"),
            {
                "fields": [
                    "proposed_department",
                    "department",
                    "assigned_to",
                    "duplicate_of",
                    "public_reason",
                ]
            },
        ),
        (
            _("Reporter"),
            {
                "classes": ["collapse"],
                "fields": [
                    "reporter",
                    "entered_by",
                    "reporter_name",
                    "reporter_email",
                    "reporter_phone",
                    "contact_allowed",
                    "name_hidden",
                    "language",
                ],
            },
        ),
        (
            _("Milestones and deadlines"),
            {
                "classes": ["collapse"],
                "fields": [
                    "submitted_at",
                    "intake_due_at",
                    "accepted_at",
                    "response_due_at",
                    "first_response_at",
                    "resolution_due_at",
                    "resolution_extended",
                    "resolved_at",
                    "closed_at",
                    "published_at",
                ],
            },
        ),
    ]
    actions = ["hide_reports", "show_reports"]

    def get_action_choices(self, request, default_choices=None):
        return super().get_action_choices(request, default_choices=[("", _("Choose an action"))])

    def get_readonly_fields(self, request, obj=None):
        editable = {"is_hidden", "hidden_reason"}
        return [
            name
            for fieldset in self.fieldsets
            for name in fieldset[1]["fields"]
            if name not in editable
        ]

    def has_add_permission(self, request):
        return False  # reports come from citizens, the API or the staff form

    def has_delete_permission(self, request, obj=None):
        return False  # the audit trail is kept; hide instead

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        return search_reports(queryset, search_term), False

    def save_model(self, request, obj, form, change):
        """Only the moderation fields change here, and only through the moderation actions
        (which record who hid what and why)."""
        if not change or not ({"is_hidden", "hidden_reason"} & set(form.changed_data)):
            return
        try:
            if obj.is_hidden:
                report_hide(report=obj, acting_user=request.user, reason=obj.hidden_reason)
            else:
                report_show(report=obj, acting_user=request.user)
        except ValidationError as invalid:
            messages.error(request, " ".join(invalid.messages))
        except PermissionDenied as refused:
            messages.error(request, str(refused))

    def save_formset(self, request, form, formset, change):
        if formset.model is not Photo:
            return super().save_formset(request, form, formset, change)
        # save(commit=False) lists what changed (for the admin's history) without writing.
        formset.save(commit=False)
        for photo, _changed in formset.changed_objects:
            try:
                if photo.is_hidden:
                    photo_hide(photo=photo, acting_user=request.user, reason=photo.hidden_reason)
                else:
                    photo_show(photo=photo, acting_user=request.user)
            except ValidationError as invalid:
                messages.error(request, " ".join(invalid.messages))
            except PermissionDenied as refused:
                messages.error(request, str(refused))

    @admin.action(description=_("Hide the selected reports from the public"))
    def hide_reports(self, request, queryset):
        reason = request.POST.get("hidden_reason", "").strip()
        if not reason:
            messages.error(request, _("Give the reason for hiding."))
            return
        with transaction.atomic():
            for report in queryset[: CappedCountPaginator.CAP]:
                report_hide(report=report, acting_user=request.user, reason=reason)
        messages.success(request, _("The selected reports are hidden."))

    @admin.action(description=_("Show the selected reports again"))
    def show_reports(self, request, queryset):
        with transaction.atomic():
            for report in queryset[: CappedCountPaginator.CAP]:
                report_show(report=report, acting_user=request.user)
        messages.success(request, _("The selected reports are public again."))


@admin.register(ReportEvent)
class ReportEventAdmin(ReadOnlyMixin, BigTableAdmin):
    """The audit trail: every change to every report, never edited."""

    list_display = ["created_at", "report", "kind", "actor", "is_public", "department"]
    list_filter = ["kind", "is_public"]
    list_select_related = ["report", "actor", "department"]
    search_fields = ["=report__tracking_code"]
    search_help_text = _("The exact tracking code of a report.")
    ordering = ["-created_at", "-id"]
    raw_id_fields = ["report", "actor"]


@admin.register(Photo)
class PhotoAdmin(BigTableAdmin):
    list_display = ["key", "preview", "report", "kind", "created_at", "is_hidden"]
    list_filter = ["kind", "is_hidden"]
    list_select_related = ["report"]
    search_fields = ["=report__tracking_code", "=key"]
    raw_id_fields = ["report", "event"]
    fields = ["preview", "report", "event", "kind", "created_at", "is_hidden", "hidden_reason"]
    readonly_fields = ["preview", "report", "event", "kind", "created_at"]
    ordering = ["-created_at"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("photo"))
    def preview(self, photo):
        if not photo.is_ready:
            return photo.get_state_display()
        return format_html(
            '<img src="{}" alt="" style="max-height:60px;max-width:90px">', photo.display_url
        )

    def save_model(self, request, obj, form, change):
        if not ({"is_hidden", "hidden_reason"} & set(form.changed_data)):
            return
        try:
            if obj.is_hidden:
                photo_hide(photo=obj, acting_user=request.user, reason=obj.hidden_reason)
            else:
                photo_show(photo=obj, acting_user=request.user)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))


@admin.register(Follower)
class FollowerAdmin(ReadOnlyMixin, BigTableAdmin):
    list_display = ["report", "email", "is_reporter", "is_subscribed", "created_at"]
    list_filter = ["is_reporter", "is_subscribed"]
    list_select_related = ["report"]
    search_fields = ["=email", "=report__tracking_code"]
    raw_id_fields = ["report", "user"]


@admin.register(Rating)
class RatingAdmin(ReadOnlyMixin, BigTableAdmin):
    list_display = ["report", "value", "department", "created_at"]
    list_filter = ["value"]
    list_select_related = ["report", "department"]
    search_fields = ["=report__tracking_code"]
    raw_id_fields = ["report", "department"]


admin.site.unregister(OutboundEmail)


@admin.register(OutboundEmail)
class ReportOutboundEmailAdmin(OutboundEmailAdmin):
    """The outbox, also found by the tracking code of the report an email is about."""

    search_help_text = _("An exact recipient address or tracking code.")

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if not search_term.strip():
            return found, may_have_duplicates
        report_id = (
            Report.objects.filter(tracking_code=search_term.strip().upper())
            .values_list("pk", flat=True)
            .first()
        )
        if report_id is not None:
            found |= queryset.filter(report_id=report_id)
        return found, may_have_duplicates


@admin.register(DeadlineReminder)
class DeadlineReminderAdmin(ReadOnlyMixin, BigTableAdmin):
    list_display = ["report", "clock", "threshold", "due_at", "created_at"]
    list_filter = ["clock", "threshold"]
    list_select_related = ["report"]
    search_fields = ["=report__tracking_code"]
    raw_id_fields = ["report"]
