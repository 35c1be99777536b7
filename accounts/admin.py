"""Administration of accounts: staff are created here and given their roles (memberships); an
agency's page lists its staff."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from accounts.forms import AdminLoginForm
from accounts.models import StaffMembership, User
from camau_portal.admin_paginator import CappedCountPaginator
from services.admin import DepartmentAdmin
from services.models import Department

# Says so when django-axes has blocked the sign-in, like every other sign-in form.
admin.site.login_form = AdminLoginForm


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class StaffMembershipInline(admin.TabularInline):
    model = StaffMembership
    fields = ["role", "department", "commune", "created_at"]
    readonly_fields = ["created_at"]
    autocomplete_fields = ["department", "commune"]
    extra = 0
    verbose_name = _("staff role")
    verbose_name_plural = _(
        "staff roles (a leader has no agency; a community helper has a commune and no agency)"
    )


class HasStaffRoleFilter(admin.SimpleListFilter):
    title = _("staff role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return StaffMembership.Role.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(memberships__role=self.value()).distinct()
        return queryset


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    inlines = [StaffMembershipInline]
    list_display = ["email", "full_name", "is_staff", "is_active", "last_login"]
    list_filter = [HasStaffRoleFilter, "is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "full_name", "phone"]
    ordering = ["email"]
    show_full_result_count = False
    paginator = CappedCountPaginator
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["full_name", "phone", "preferred_language", "email_verified"]}),
        (
            _("Access"),
            {
                "fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"],
                "description": _(
                    "Dashboard access comes from the staff roles below. "
                    "“Staff status” and permissions are for this administration site only."
                ),
            },
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "full_name", "usable_password", "password1", "password2"],
            },
        )
    ]
    readonly_fields = ["last_login", "date_joined"]

    def get_inlines(self, request, obj):
        # Roles are given on the second step, once the account exists.
        return self.inlines if obj is not None else []


@admin.register(StaffMembership)
class StaffMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "department", "commune", "created_at"]
    list_filter = ["role", "department__kind"]
    search_fields = [
        "user__email",
        "user__full_name",
        "department__name_vi",
        "department__code",
        "commune__name",
    ]
    autocomplete_fields = ["user", "department", "commune"]
    list_select_related = ["user", "department", "commune"]


class DepartmentMembershipInline(admin.TabularInline):
    model = StaffMembership
    fields = ["user", "role", "created_at"]
    readonly_fields = ["created_at"]
    autocomplete_fields = ["user"]
    extra = 0


# The catalogue (services) sits below accounts and knows nothing of staff: accounts adds the
# agency's staff to the catalogue's agency page.
admin.site.unregister(Department)


@admin.register(Department)
class DepartmentWithStaffAdmin(DepartmentAdmin):
    inlines = [*DepartmentAdmin.inlines, DepartmentMembershipInline]
