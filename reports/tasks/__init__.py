"""Celery tasks, one module per domain. Celery's autodiscovery imports only this package, so
each module is imported here to register its tasks with the worker."""

from . import deadlines, email, photos, stats, workflow  # noqa: F401
