from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts import urls as accounts_urls
from camau_portal import errors, pages, views
from reports.public.report_views import my_reports

# The account area: accounts' own pages, and the list of the citizen's reports, which the
# reports app serves (accounts sits below reports and never imports it).
account_area = [*accounts_urls.urlpatterns, path("my-reports/", my_reports, name="my_reports")]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("privacy/", pages.privacy, name="privacy"),
    path("accessibility/", pages.accessibility, name="accessibility"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("staff/assisted/", include("reports.assisted.urls")),
    path("staff/", include("reports.staff.urls")),
    path("accounts/", include((account_area, accounts_urls.app_name))),
    path("open311/v2/", include("reports.open311.urls")),
    path("", include("reports.public.urls")),
    path("", include("reports.urls")),
    # Photos in MEDIA_ROOT; answers 404 unless PORTAL_SERVE_MEDIA (on in development).
    path("media/<path:path>", views.media, name="media"),
]

# The portal's own error pages (camau_portal.errors); CSRF failures: CSRF_FAILURE_VIEW.
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error

if settings.DEVTOOLS:
    urlpatterns.append(path("", include("camau_portal.devtools.urls")))
