from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        # Imported here, not at the top, because apps.py loads before the models are ready.
        from camau_portal.notifications.rendering import register_context_processor
        from reports import receivers  # noqa: F401  (connects the receivers)
        from reports.backoffice import receivers as backoffice_receivers  # noqa: F401
        from reports.backoffice import tasks as backoffice_tasks  # noqa: F401  (their receivers)
        from reports.deadlines import tasks as deadline_tasks  # noqa: F401  (their receivers)
        from reports.intake import tasks as intake_tasks  # noqa: F401  (their receivers)
        from reports.notifications.mail import report_email_context
        from reports.notifications.sms import report_sms_context
        from reports.open311 import tasks as open311_tasks  # noqa: F401  (their receivers)

        register_context_processor(report_email_context)
        register_context_processor(report_sms_context)
