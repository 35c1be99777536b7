from django.contrib import admin
from django.urls import include, path

from camau_portal import views
from reports.views import email as email_views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("staff/", include("reports.staff_urls")),
    path("accounts/", include("accounts.urls")),
    path("open311/v2/", include("reports.open311.urls")),
    path("", include("reports.urls_public")),
    path("", include("reports.urls")),
    # The developer's view of var/mail; answers 404 unless DEBUG.
    path("dev/mail/", email_views.dev_mail, name="dev_mail"),
    path("dev/mail/<str:name>/", email_views.dev_mail, name="dev_mail_file"),
    # Photos in MEDIA_ROOT; answers 404 unless PORTAL_SERVE_MEDIA (on in development).
    path("media/<path:path>", views.media, name="media"),
]
