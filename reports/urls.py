from django.urls import path, register_converter

from reports.intake import offline_views as offline
from reports.intake import views as citizen
from reports.public import report_views
from reports.public import reporter_views as reporter
from reports.public import short_link_views as short
from reports.public import unsubscribe_views as email
from reports.tracking import CODE_PATTERN


class TrackingCodeConverter:
    regex = CODE_PATTERN

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(TrackingCodeConverter, "code")

app_name = "reports"
urlpatterns = [
    path("reports/new/", citizen.report_new, name="new"),
    path("reports/new/outbox/", offline.outbox_report, name="outbox_report"),
    path("reports/new/outbox/photos/", offline.outbox_photo, name="outbox_photo"),
    path("sw.js", offline.service_worker, name="service_worker"),
    path("manifest.webmanifest", offline.web_manifest, name="web_manifest"),
    path("reports/nearby/", citizen.nearby_reports, name="nearby"),
    path("reports/commune-for-point/", citizen.commune_for_point, name="commune_for_point"),
    path("reports/<code:code>/", report_views.report_detail, name="detail"),
    path("reports/<code:code>/submitted/", citizen.report_submitted, name="submitted"),
    path("reports/<code:code>/p/<str:token>/", report_views.report_private, name="private"),
    path("reports/<code:code>/follow/", report_views.report_follow_view, name="follow"),
    path("follow/confirm/<str:token>/", email.follow_confirm, name="follow_confirm"),
    path("reports/<code:code>/p/<str:token>/info/", reporter.provide_info, name="provide_info"),
    path("reports/<code:code>/p/<str:token>/rate/", reporter.rate, name="rate"),
    path("track/", report_views.track, name="track"),
    path("unsubscribe/<str:token>/", email.unsubscribe, name="unsubscribe"),
    # In text messages, where every character counts: no trailing slash.
    path("r/<str:key>", short.short_link, name="short_link"),
    path("s/<str:key>", short.sms_stop, name="sms_stop"),
]
