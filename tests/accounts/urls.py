"""The project's URLs, with stand-ins for citizen report pages this suite does not test.

Account pages link to report pages (the navigation, the private report link); where such a
route does not exist yet, a stand-in answers 404 so the links can be built. Real routes win.
"""

from django.http import Http404
from django.urls import URLPattern, URLResolver, include, path

from camau_portal import urls as project_urls
from reports import urls as report_urls


def _absent(request, **kwargs):
    raise Http404


_REPORT_ROUTES = {
    "new": "report/",
    "track": "track/",
    "detail": "r/<str:code>/",
    "private": "r/<str:code>/private/<str:token>/",
}
_existing = {pattern.name for pattern in report_urls.urlpatterns if isinstance(pattern, URLPattern)}
_stand_ins = [
    path(route, _absent, name=name)
    for name, route in _REPORT_ROUTES.items()
    if name not in _existing
]


def _is_reports(pattern) -> bool:
    return isinstance(pattern, URLResolver) and pattern.app_name == "reports"


urlpatterns = [pattern for pattern in project_urls.urlpatterns if not _is_reports(pattern)] + [
    path("", include((list(report_urls.urlpatterns) + _stand_ins, "reports"))),
]
