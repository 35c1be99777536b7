"""The project's URLs, plus a placeholder for every name the layout and the emails link to that
is not routed yet (pages built in other parts of the portal). Tests of emails and of pages
that extend the layout use it with ``@pytest.mark.urls("tests.urls_fallback")``; names that
exist keep their real views.
"""

from django.http import HttpResponse
from django.urls import include, path
from django.urls.resolvers import URLResolver

import accounts.urls
import reports.urls
from camau_portal import urls as root


def _placeholder(request, **kwargs):
    return HttpResponse("placeholder")


def _with_placeholders(module, wanted: dict[str, str]):
    present = {pattern.name for pattern in module.urlpatterns if getattr(pattern, "name", None)}
    extra = [
        path(route, _placeholder, name=name)
        for name, route in wanted.items()
        if name not in present
    ]
    return [*module.urlpatterns, *extra], module.app_name


REPORTS = {
    "detail": "placeholder/reports/<str:code>/",
    "private": "placeholder/reports/<str:code>/private/<str:token>/",
    "new": "placeholder/reports/new/",
    "track": "placeholder/reports/track/",
}
ACCOUNTS = {
    "login": "placeholder/login/",
    "logout": "placeholder/logout/",
    "my_reports": "placeholder/my-reports/",
}

urlpatterns = [
    pattern
    for pattern in root.urlpatterns
    if not (isinstance(pattern, URLResolver) and pattern.namespace in ("reports", "accounts"))
] + [
    path("accounts/", include(_with_placeholders(accounts.urls, ACCOUNTS))),
    path("", include(_with_placeholders(reports.urls, REPORTS))),
]
