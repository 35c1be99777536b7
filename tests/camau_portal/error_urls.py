"""The portal's URLs plus views that fail on purpose, to reach each error page over HTTP."""

from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.http import HttpResponse
from django.urls import path
from django_ratelimit.decorators import ratelimit

from camau_portal.urls import handler403, handler404, handler500, urlpatterns  # noqa: F401


def forbidden(request):
    raise PermissionDenied


@ratelimit(key="ip", rate="1/h", block=True)
def limited(request):
    return HttpResponse("ok")


def database_down(request):
    raise OperationalError("could not connect to server")


urlpatterns = [
    path("test-errors/forbidden/", forbidden),
    path("test-errors/limited/", limited),
    path("test-errors/database-down/", database_down),
    *urlpatterns,
]
