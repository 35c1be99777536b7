from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "camau_portal.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        # Connects the send task to rows queued by any app (outbox.emails_ready). Imported here
        # because apps.py loads before the models are ready; tasks import the outbox, never the
        # reverse.
        from camau_portal.notifications import tasks  # noqa: F401
