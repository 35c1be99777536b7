"""The portal refuses to start on a configuration that must never serve people: production on
the embedded defaults (the demo hotline included), or the repository's development secret key
with DEBUG off.

The same rules run as system checks (every manage.py command), from ``camau_portal.wsgi``
(gunicorn) and from ``camau_portal.celery`` when the celery command starts a worker or beat:
none of those run system checks, so each stops itself with the message.
"""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured


def _secret_key() -> str:
    # Django refuses to even read an empty SECRET_KEY; that is the "not set" case here.
    try:
        return settings.SECRET_KEY
    except ImproperlyConfigured:
        return ""


@register(Tags.security, deploy=True)
@register()
def production_requirements(app_configs, **kwargs):
    if not settings.IS_PRODUCTION:
        return []
    errors = []
    key = _secret_key()
    if not key or key.startswith("dev-only"):
        errors.append(
            Error(
                "DJANGO_SECRET_KEY must be set in production, to a long random value of its own.",
                id="camau_portal.E001",
            )
        )
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
    if not settings.PORTAL_HOTLINE.strip():
        # Every page's footer and every error page tell people to call it.
        errors.append(
            Error(
                "Production needs the intake centre's hotline: set PORTAL_HOTLINE=<number>.",
                id="camau_portal.E007",
            )
        )
    return errors


@register(Tags.security, deploy=True)
@register()
def development_key_only_with_debug(app_configs, **kwargs):
    """A deployment that forgot DJANGO_ENV=production must not serve with DEBUG off on a key
    anyone can read in the repository (sessions, password resets and private links would be
    forgeable)."""
    if settings.IS_PRODUCTION or settings.DEBUG:
        return []
    if _secret_key() != settings.DEVELOPMENT_SECRET_KEY:
        return []
    return [
        Error(
            "The development secret key is only for DJANGO_DEBUG=true. A deployment sets "
            "DJANGO_ENV=production and its own DJANGO_SECRET_KEY.",
            id="camau_portal.E006",
        )
    ]


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


def startup_refusal() -> str:
    """Why this process must not start, in one message; empty when it may."""
    errors = production_requirements(None) + development_key_only_with_debug(None)
    if not errors:
        return ""
    reasons = "\n".join(f"  - {error.msg} ({error.id})" for error in errors)
    return f"Refusing to start: the configuration is not safe to serve.\n{reasons}"


def refuse_to_start_misconfigured() -> None:
    """For servers that do not run system checks: raises with every reason at once."""
    refusal = startup_refusal()
    if refusal:
        raise ImproperlyConfigured(refusal)
