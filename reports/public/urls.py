"""Public map, list, open data and statistics; the staff statistics page."""

from django.urls import path

from reports.public import views as public
from reports.stats import views as stats

app_name = "public"
urlpatterns = [
    path("map/", public.map_page, name="map"),
    path("map/data.json", public.map_data, name="map_data"),
    path("map/reports/<str:code>.json", public.map_summary, name="map_summary"),
    path("reports/", public.report_list, name="list"),
    path("reports/export.csv", public.export_csv, name="export_csv"),
    path("reports/export.geojson", public.export_geojson, name="export_geojson"),
    path("stats/", stats.public_stats, name="stats"),
    path("staff/stats/", stats.staff_stats, name="staff_stats"),
]
