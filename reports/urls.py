from django.urls import path

from reports import email_views

app_name = "reports"
urlpatterns = [
    path("unsubscribe/<str:token>/", email_views.unsubscribe, name="unsubscribe"),
]
