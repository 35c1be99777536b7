"""The public map, the public list of reports and the open-data downloads."""

from __future__ import annotations

import json
from datetime import datetime

from django.conf import settings
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_cookie

from reports.csv_export import csv_lines, csv_response
from reports.models import Report
from reports.public import listing, selectors
from reports.public.filters import PublicReportFilter
from reports.public.map import BadBox, BBox, map_features
from reports.workflow import status_group


def _filterset(request) -> PublicReportFilter:
    return PublicReportFilter(
        request.GET or None, queryset=Report.objects.public(), request=request
    )


@require_safe
def map_page(request):
    filterset = _filterset(request)
    south, west, north, east = settings.PROVINCE_BBOX
    return render(
        request,
        "public/map.html",
        {
            "filter": filterset,
            "querystring": filterset.querystring(),
            "province_bounds": [[south, west], [north, east]],
            "map_labels": {
                "view": _("View the report"),
                "loading": _("Loading…"),
                "error": _("The map could not load the reports. Please try again."),
                "reports": _("reports"),
                "shown": _("%(count)s reports in this area."),
            },
        },
    )


@require_safe
@cache_control(public=True, max_age=60)
def map_data(request):
    """Compact JSON for one map box: points, or grid cells when the box holds too many."""
    filterset = _filterset(request)
    if filterset.is_bound and not filterset.is_valid():
        return JsonResponse({"errors": filterset.errors.get_json_data()}, status=400)
    try:
        bbox = BBox.parse(request.GET.get("bbox"))
    except BadBox as error:
        return JsonResponse({"errors": {"bbox": [{"message": str(error)}]}}, status=400)
    active = filterset.active_filters
    category, commune = active.get("category"), active.get("commune")
    payload = map_features(
        bbox=bbox,
        queryset=filterset.qs,
        category_id=category.id if category else None,
        commune_id=commune.id if commune else None,
        period=active.get("period"),
        status=active.get("status"),
    )
    return JsonResponse(payload)


@require_safe
@cache_control(public=True, max_age=60)
@vary_on_cookie  # the language may come from the cookie
def map_summary(request, code):
    """What a marker's popup shows: public fields only."""
    report = selectors.map_popup_report(code)
    if report is None:
        raise Http404
    photo = report.popup_photo
    return JsonResponse(
        {
            "code": report.tracking_code,
            "title": report.title,
            "category": report.category.name,
            "status": report.get_status_display(),
            "group": status_group(report.status),
            "status_code": report.status,
            "commune": report.commune.name,
            "date": date_format(timezone.localtime(report.submitted_at), "d/m/Y"),
            "url": report.get_absolute_url(),
            "photo": photo.display_url if photo else None,
        }
    )


@require_safe
def report_list(request):
    filterset = _filterset(request)
    page = listing.public_report_page(
        filterset.qs, after=request.GET.get("after"), before=request.GET.get("before")
    )
    return render(
        request,
        "public/list.html",
        {
            "filter": filterset,
            "page": page,
            "querystring": filterset.querystring(),
        },
    )


# --- Open data ---------------------------------------------------------------------------


def _export_value(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return "" if value is None else value


def _export_filename(extension: str) -> str:
    return f"camau-reports-{timezone.localdate():%Y%m%d}.{extension}"


def _public_url(request, code: str) -> str:
    return request.build_absolute_uri(Report(tracking_code=code).get_absolute_url())


@require_safe
def export_csv(request):
    filterset = _filterset(request)
    names = [name for name, _lookup in listing.EXPORT_FIELDS]
    rows = (
        [
            *(_export_value(row[name]) for name in names),
            status_group(row["status"]),
            _public_url(request, row["tracking_code"]),
        ]
        for row in listing.export_rows(filterset.qs)
    )
    return csv_response(
        csv_lines([*names, "status_group", "url"], rows), filename=_export_filename("csv")
    )


@require_safe
def export_geojson(request):
    filterset = _filterset(request)

    def chunks():
        yield '{"type":"FeatureCollection","features":['
        first = True
        for row in listing.export_rows(filterset.qs):
            latitude, longitude = row.pop("latitude"), row.pop("longitude")
            properties = {name: _export_value(value) for name, value in row.items()}
            properties["status_group"] = status_group(row["status"])
            properties["url"] = _public_url(request, row["tracking_code"])
            feature = {
                "type": "Feature",
                "geometry": (
                    {"type": "Point", "coordinates": [longitude, latitude]}
                    if latitude is not None and longitude is not None
                    else None
                ),
                "properties": properties,
            }
            yield ("" if first else ",") + json.dumps(feature, ensure_ascii=False)
            first = False
        yield "]}"

    response = StreamingHttpResponse(chunks(), content_type="application/geo+json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_export_filename("geojson")}"'
    return response
