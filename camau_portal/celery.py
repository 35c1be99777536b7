"""The Celery application: Redis when REDIS_URL is set, otherwise the filesystem transport."""

import os

from celery import Celery
from django.conf import settings

from camau_portal.checks import refuse_to_start_misconfigured

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "camau_portal.settings")

app = Celery("camau_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Each domain keeps its tasks in its own ``tasks`` module.
app.autodiscover_tasks(
    [
        "reports.intake",
        "reports.handling",
        "reports.deadlines",
        "reports.stats",
        "camau_portal.notifications",
    ]
)


def ensure_filesystem_broker_dirs() -> None:
    """The filesystem transport needs its folders before the first message is written."""
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
            os.makedirs(settings.CELERY_BROKER_TRANSPORT_OPTIONS[key], exist_ok=True)


@app.on_after_configure.connect
def _refuse_misconfigured_production(sender, **kwargs):
    if settings.IS_PRODUCTION:
        refuse_to_start_misconfigured()
