"""Production refuses to start on the embedded defaults."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured


@register(Tags.security, deploy=True)
@register()
def production_requirements(app_configs, **kwargs):
    if not settings.IS_PRODUCTION:
        return []
    errors = []
    if not settings.SECRET_KEY or settings.SECRET_KEY.startswith("dev-only"):
        errors.append(Error("DJANGO_SECRET_KEY must be set in production.", id="camau_portal.E001"))
    if settings.DEBUG:
        errors.append(Error("DJANGO_DEBUG must be off in production.", id="camau_portal.E002"))
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        errors.append(
            Error(
                "Production needs PostgreSQL: set DATABASE_URL=postgres://...",
                id="camau_portal.E003",
            )
        )
    if not settings.REDIS_URL:
        errors.append(
            Error("Production needs Redis: set REDIS_URL=redis://...", id="camau_portal.E004")
        )
    return errors


@register()
def task_limits_below_visibility_timeout(app_configs, **kwargs):
    """A task still running when the broker redelivers it would run twice at once."""
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        return []
    limit = settings.CELERY_TASK_TIME_LIMIT
    if limit and limit >= settings.CELERY_VISIBILITY_TIMEOUT:
        return [
            Error(
                "CELERY_TASK_TIME_LIMIT must be below the broker's visibility timeout "
                f"({limit} >= {settings.CELERY_VISIBILITY_TIMEOUT}).",
                id="camau_portal.E005",
            )
        ]
    return []


def refuse_to_start_misconfigured() -> None:
    """Gunicorn and Celery do not run system checks: production stops here instead."""
    errors = production_requirements(None)
    if errors:
        raise ImproperlyConfigured("; ".join(error.msg for error in errors))
