"""Assisted entry, mounted in the staff dashboard at /staff/assisted/."""

from django.urls import path

from reports import urls as _converters  # noqa: F401  (registers the tracking-code converter)
from reports.assisted import views

app_name = "assisted"
urlpatterns = [
    path("", views.entries, name="entries"),
    path("new/", views.entry_new, name="new"),
    path("commune/", views.commune_reports, name="commune"),
    path("r/<code:code>/", views.entry_done, name="entered"),
]
