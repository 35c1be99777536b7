"""Keeps the statistics rollup and the map cells current (scheduled by beat)."""

from celery import shared_task

from reports.stats.refresh import refresh_rollups


@shared_task(name="reports.stats.refresh_statistics", acks_late=True, ignore_result=True)
def refresh_statistics() -> dict:
    result = refresh_rollups()
    return {"reports": result.reports, "days": result.days, "map_units": result.map_units}
