import redis
from django.conf import settings
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from reports.public import selectors


@require_safe
def home(request):
    return render(request, "home.html", selectors.home_page())


@never_cache
@require_safe
def healthz(request):
    """Liveness for the load balancer: 503 only when this node cannot serve (no database).

    Redis down is reported as "degraded" but keeps the node in rotation: reports are still
    stored and staff still sign in, and the emails wait in the outbox until Redis is back.
    Taking every node out for it would turn a delay of emails into an outage of the portal.
    """
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception as exc:  # any failure means unhealthy; report it, don't raise
        checks["database"] = f"error: {exc.__class__.__name__}"
    if settings.REDIS_URL:
        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping()
            checks["redis"] = "ok"
        except Exception as exc:
            checks["redis"] = f"error: {exc.__class__.__name__}"
    if checks["database"] != "ok":
        return JsonResponse({"status": "error", "checks": checks}, status=503)
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "degraded", "checks": checks})


@require_safe
def media(request, path):
    """A photo from MEDIA_ROOT, for a server with no proxy in front that serves the folder.

    Photo files are named by an unguessable key and never rewritten, so browsers may keep them.
    Off unless PORTAL_SERVE_MEDIA: with object storage, photo URLs point elsewhere.
    """
    if not settings.PORTAL_SERVE_MEDIA:
        raise Http404
    try:
        response = static.serve(request, path, document_root=settings.MEDIA_ROOT)
    except OSError:  # a name the file system refuses (too long, say): no such photo
        raise Http404 from None
    response["Cache-Control"] = "public, max-age=86400"
    return response
