from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from reports.handling.tasks import close_resolved_reports
from reports.models import Report, ReportEvent

pytestmark = pytest.mark.django_db


def test_closes_undisputed_resolved_reports_once(staff, resolved):
    assert close_resolved_reports() == 0  # still inside the dispute window
    Report.objects.filter(pk=resolved.pk).update(resolved_at=timezone.now() - timedelta(days=8))
    assert close_resolved_reports.delay().get() == 1
    resolved.refresh_from_db()
    assert resolved.status == Report.Status.CLOSED
    assert close_resolved_reports() == 0
    assert ReportEvent.objects.filter(report=resolved, kind="closed").count() == 1


def test_scheduled_hourly():
    entry = settings.CELERY_BEAT_SCHEDULE["close-resolved-reports"]
    assert entry["task"] == close_resolved_reports.name
