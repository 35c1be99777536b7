"""Administration of the catalogue: communes (with boundary upload), agencies, categories and
their deadlines, the working calendar, office hours and response templates."""

from __future__ import annotations

import json

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from shapely.geometry import mapping

from services.geo import boundary_shape
from services.models import (
    CalendarDay,
    Category,
    Commune,
    Department,
    OfficeHours,
    ResponseTemplate,
)
from services.signals import calendar_changed

MAX_BOUNDARY_BYTES = 5 * 1024 * 1024


class CommuneAdminForm(forms.ModelForm):
    boundary_file = forms.FileField(
        label=_("Upload a boundary (GeoJSON)"),
        required=False,
        help_text=_(
            "A GeoJSON Polygon, MultiPolygon, Feature or FeatureCollection in longitude/latitude "
            "(WGS 84). Once a commune has a boundary, the map pin decides the commune."
        ),
    )
    clear_boundary = forms.BooleanField(label=_("Remove the boundary"), required=False)

    class Meta:
        model = Commune
        fields = [
            "code",
            "name",
            "kind",
            "is_active",
            "former_province",
            "former_district",
            "predecessors",
            "latitude",
            "longitude",
        ]

    def clean_boundary_file(self):
        upload = self.cleaned_data.get("boundary_file")
        if not upload:
            return None
        if upload.size > MAX_BOUNDARY_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        try:
            geojson = json.loads(upload.read().decode("utf-8-sig"))
            shape = boundary_shape(geojson)
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise forms.ValidationError(_("This is not a GeoJSON file.")) from None
        except ValueError as error:
            raise forms.ValidationError(
                _("The boundary is not usable: %(reason)s"), params={"reason": error}
            ) from None
        south, west, north, east = settings.PROVINCE_BBOX
        min_lon, min_lat, max_lon, max_lat = shape.bounds
        if min_lat < south or max_lat > north or min_lon < west or max_lon > east:
            raise forms.ValidationError(
                _(
                    "The boundary reaches outside Cà Mau province. Check that the coordinates "
                    "are longitude/latitude (WGS 84)."
                )
            )
        return mapping(shape)

    def save(self, commit=True):
        commune = super().save(commit=False)
        if self.cleaned_data.get("clear_boundary"):
            commune.boundary = None
        elif self.cleaned_data.get("boundary_file"):
            # mapping() gives tuples; store plain GeoJSON lists.
            commune.boundary = json.loads(json.dumps(self.cleaned_data["boundary_file"]))
        if commit:
            commune.save()
        return commune


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    form = CommuneAdminForm
    list_display = ["name", "code", "kind", "former_district", "has_boundary", "is_active"]
    list_filter = ["kind", "former_province", "is_active"]
    search_fields = ["name", "code", "predecessors"]
    readonly_fields = ["boundary_summary", "updated_at"]
    fieldsets = [
        (None, {"fields": ["code", "name", "kind", "is_active"]}),
        (_("History"), {"fields": ["former_province", "former_district", "predecessors"]}),
        (
            _("Location"),
            {
                "fields": [
                    "latitude",
                    "longitude",
                    "boundary_summary",
                    "boundary_file",
                    "clear_boundary",
                ]
            },
        ),
        (None, {"fields": ["updated_at"]}),
    ]

    @admin.display(boolean=True, description=_("boundary"))
    def has_boundary(self, commune):
        return commune.boundary is not None

    @admin.display(description=_("current boundary"))
    def boundary_summary(self, commune):
        if not commune.boundary:
            return _("None: the commune is suggested from the nearest reference point.")
        shape = boundary_shape(commune.boundary)
        min_lon, min_lat, max_lon, max_lat = shape.bounds
        return _("%(kind)s, %(lat1).4f–%(lat2).4f N, %(lon1).4f–%(lon2).4f E") % {
            "kind": shape.geom_type,
            "lat1": min_lat,
            "lat2": max_lat,
            "lon1": min_lon,
            "lon2": max_lon,
        }


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name_vi", "code", "kind", "commune", "email", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name_vi", "name_en", "code"]
    autocomplete_fields = ["commune"]
    list_select_related = ["commune"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = [
        "name_vi",
        "code",
        "group_vi",
        "handled_by",
        "department",
        "resolution",
        "urgent",
        "urgent_default",
        "is_active",
    ]
    list_filter = ["handled_by", "group_vi", "urgent_default", "is_active"]
    search_fields = ["name_vi", "name_en", "code", "keywords"]
    autocomplete_fields = ["department"]
    list_select_related = ["department"]
    fieldsets = [
        (None, {"fields": ["code", "sort_order", "is_active"]}),
        (_("Names"), {"fields": ["group_vi", "group_en", "name_vi", "name_en", "keywords"]}),
        (_("Descriptions"), {"fields": ["description_vi", "description_en"]}),
        (_("Routing"), {"fields": ["handled_by", "department"]}),
        (
            _("Deadlines"),
            {
                "fields": [
                    ("resolution_target", "resolution_unit"),
                    ("urgent_target", "urgent_unit"),
                    "urgent_default",
                ],
                "description": _(
                    "New targets apply to reports accepted from now on; reports already "
                    "being handled keep their deadline."
                ),
            },
        ),
    ]

    @admin.display(description=_("resolution target"))
    def resolution(self, category):
        return f"{category.resolution_target} {category.get_resolution_unit_display()}"

    @admin.display(description=_("urgent target"))
    def urgent(self, category):
        return f"{category.urgent_target} {category.get_urgent_unit_display()}"


class CalendarChangeMixin:
    """A change to working time moves the deadlines of the reports being handled: announced
    (``calendar_changed``) once the change is committed."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._announce_calendar_change(request)
        messages.info(request, _("The deadlines of open reports are being recalculated."))

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._announce_calendar_change(request)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        self._announce_calendar_change(request)

    def _announce_calendar_change(self, request):
        transaction.on_commit(
            lambda: calendar_changed.send(sender=self.model, acting_user=request.user),
            robust=True,
        )


@admin.register(CalendarDay)
class CalendarDayAdmin(CalendarChangeMixin, admin.ModelAdmin):
    list_display = ["date_display", "kind", "name_vi", "is_confirmed", "source"]
    list_filter = ["kind", "is_confirmed"]
    search_fields = ["name_vi", "name_en", "source"]
    ordering = ["-date"]

    @admin.display(description=_("date"), ordering="date")
    def date_display(self, day):
        return day.date.strftime("%d/%m/%Y")


@admin.register(OfficeHours)
class OfficeHoursAdmin(CalendarChangeMixin, admin.ModelAdmin):
    list_display = ["weekday", "start", "end"]
    list_filter = ["weekday"]


@admin.register(ResponseTemplate)
class ResponseTemplateAdmin(admin.ModelAdmin):
    list_display = ["title", "department", "category", "is_active"]
    list_filter = ["is_active", "category"]
    search_fields = ["title", "body_vi", "body_en", "department__name_vi"]
    autocomplete_fields = ["department", "category"]
    list_select_related = ["department", "category"]
