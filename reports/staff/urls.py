"""The staff dashboard, mounted at /staff/."""

from django.urls import path

from reports import urls as _converters  # noqa: F401  (registers the tracking-code converter)
from reports.staff import auth_views as auth
from reports.staff import list_views as queues
from reports.staff import workbench_views as workbench

app_name = "staff"
urlpatterns = [
    path("", queues.report_list, name="reports"),
    path("login/", auth.staff_login, name="login"),
    path("logout/", auth.staff_logout, name="logout"),
    path("reports.csv", queues.report_export, name="export"),
    path("bulk/", queues.report_bulk, name="bulk"),
    path("r/<code:code>/", workbench.report_workbench, name="report"),
    path("r/<code:code>/<slug:action>/", workbench.report_action, name="action"),
]
