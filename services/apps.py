from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _

from services.collation import register_sqlite_collation


class ServicesConfig(AppConfig):
    name = "services"
    verbose_name = _("Service catalogue")

    def ready(self):
        connection_created.connect(register_sqlite_collation, dispatch_uid="vietnamese_collation")
