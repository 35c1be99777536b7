from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "camau_portal"
    verbose_name = _("Portal")

    def ready(self):
        from . import checks  # noqa: F401  (registers the deployment checks)
        from .celery import ensure_filesystem_broker_dirs

        ensure_filesystem_broker_dirs()
