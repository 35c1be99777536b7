"""The Celery application: Redis when REDIS_URL is set, otherwise the filesystem transport."""

import os
import sys

from celery import Celery
from celery.beat import PersistentScheduler
from django.conf import settings

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


class PortalScheduler(PersistentScheduler):
    """Beat's schedule file is in PORTAL_VAR_DIR, which a fresh checkout does not have yet:
    without the folder, beat stopped at its first start."""

    def setup_schedule(self):
        os.makedirs(os.path.dirname(os.path.abspath(self.schedule_filename)), exist_ok=True)
        super().setup_schedule()


def started_by_celery_command() -> bool:
    """True in ``celery -A camau_portal worker`` (or beat, or ``python -m celery``): the
    command imports this module to find the app, before any worker or beat boots."""
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    return "celery.__main__" in sys.modules or getattr(spec, "name", "") == "celery.__main__"


def exit_if_misconfigured() -> None:
    """Stops the celery command with the reasons. It must happen here: Celery catches and
    only logs an exception raised in a signal handler, so a refusal there let workers run."""
    # Here, not at the top: every process imports this module while Django loads its settings
    # (camau_portal/__init__.py), before Django's check framework may be loaded.
    from camau_portal.checks import startup_refusal

    try:
        refusal = startup_refusal()
    except Exception as error:  # settings that cannot even be read: also a refusal
        refusal = f"Refusing to start: {error.__class__.__name__}: {error}"
    if refusal:
        sys.exit(refusal)


if started_by_celery_command():
    exit_if_misconfigured()
