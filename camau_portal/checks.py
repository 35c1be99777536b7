"""Production refuses to start on the embedded defaults."""

from django.conf import settings
from django.core.checks import Error, Tags, register


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


def refuse_to_start_misconfigured() -> None:
    """Gunicorn and Celery do not run system checks: production stops here instead."""
    from django.core.exceptions import ImproperlyConfigured

    errors = production_requirements(None)
    if errors:
        raise ImproperlyConfigured("; ".join(error.msg for error in errors))
