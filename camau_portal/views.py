import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from reports.public import selectors
from reports.workflow import status_group


@require_GET
def home(request):
    recent = selectors.recent_public_reports(limit=20)
    return render(
        request,
        "home.html",
        {
            "counts": selectors.public_headline_counts(),
            "recent_reports": recent,
            "map_points": [
                {
                    "lat": report.latitude,
                    "lon": report.longitude,
                    "url": report.get_absolute_url(),
                    "title": report.title,
                    "group": status_group(report.status),
                }
                for report in recent
                if report.has_location
            ],
        },
    )


@never_cache
@require_GET
def healthz(request):
    """Liveness for the load balancer: the database, and Redis when configured."""
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
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )
