from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from camau_portal import checks  # noqa: F401  (registers the deployment checks)
from camau_portal.celery import ensure_filesystem_broker_dirs


class PortalConfig(AppConfig):
    name = "camau_portal"
    verbose_name = _("Portal")

    def ready(self):
        ensure_filesystem_broker_dirs()
