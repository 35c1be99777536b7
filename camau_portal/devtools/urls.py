from django.urls import path

from camau_portal.devtools import views

urlpatterns = [
    # The developer's view of var/mail; answers 404 unless DEBUG.
    path("dev/mail/", views.dev_mail, name="dev_mail"),
    path("dev/mail/<str:name>/", views.dev_mail, name="dev_mail_file"),
    # The developer's view of var/sms (the file SMS backend); 404 unless DEBUG.
    path("dev/sms/", views.dev_sms, name="dev_sms"),
    # The portal's error pages (404, 403, csrf, 429, 500), which DEBUG hides; 404 unless DEBUG.
    path("dev/errors/<str:kind>/", views.error_preview, name="error_preview"),
    path("dev/floor/", views.framework_floor, name="framework_floor"),
]
