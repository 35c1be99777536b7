from django.apps import AppConfig, apps
from django.core.management import call_command
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from camau_portal import checks  # noqa: F401  (registers the deployment checks)
from camau_portal.celery import ensure_filesystem_broker_dirs


class PortalConfig(AppConfig):
    name = "camau_portal"
    verbose_name = _("Portal")

    def ready(self):
        ensure_filesystem_broker_dirs()
        # Sent per app with models (this one has none): after the rate limiter's app.
        post_migrate.connect(create_cache_tables, sender=apps.get_app_config("ratelimit"))


def create_cache_tables(using, **kwargs):
    """`migrate` also makes the database caches' tables (the rate limits' one): forgetting the
    separate `createcachetable` step would turn every submission into an error."""
    call_command("createcachetable", database=using, verbosity=0)
