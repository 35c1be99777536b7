"""The statistics refresh as beat runs it (reports.stats.tasks)."""

import pytest
from django.conf import settings

from reports.models import DailyStat
from tests.public_fixtures import public_report

pytestmark = pytest.mark.django_db


def test_beat_runs_the_refresh(catalogue):
    schedule = settings.CELERY_BEAT_SCHEDULE["refresh-statistics"]
    assert schedule["task"] == "reports.stats.refresh_statistics"
    from reports.stats.tasks import refresh_statistics

    public_report()
    refresh_statistics.delay()
    assert DailyStat.objects.filter(scope=DailyStat.Scope.PROVINCE, received=1).exists()
