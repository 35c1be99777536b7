# Celery's autodiscovery imports this package; the task modules register themselves here.
from reports.tasks import workflow  # noqa: F401
