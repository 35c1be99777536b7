from django.urls import re_path

from reports.open311 import views

FORMAT = r"\.(?P<fmt>json|xml)$"

app_name = "open311"
urlpatterns = [
    re_path(r"^discovery" + FORMAT, views.discovery, name="discovery"),
    re_path(r"^openapi\.json$", views.openapi, name="openapi"),
    re_path(r"^services" + FORMAT, views.service_list, name="services"),
    re_path(
        r"^services/(?P<code>[A-Za-z0-9_\-]+)" + FORMAT, views.service_definition, name="service"
    ),
    re_path(r"^requests" + FORMAT, views.service_requests, name="requests"),
    re_path(r"^requests/(?P<code>[A-Za-z0-9\-]+)" + FORMAT, views.service_request, name="request"),
    re_path(r"^servicerequestupdates" + FORMAT, views.service_request_updates, name="updates"),
    # Anything else under the API answers in the API's error format, not with a page.
    re_path(r"^", views.not_found),
]
