"""The deadline tasks (reports.deadlines.tasks): scheduled by beat, and running."""

import pytest
from celery.schedules import crontab
from django.conf import settings

from camau_portal.notifications.tasks import send_outbound_email
from reports.deadlines.tasks import scan_deadlines_task, send_daily_digests_task


def test_beat_scans_every_five_minutes_and_sends_the_digest_at_0730_local():
    schedule = settings.CELERY_BEAT_SCHEDULE
    scan = schedule["deadline-scan"]
    assert scan["task"] == scan_deadlines_task.name
    assert scan["schedule"] == 300
    assert scan["options"]["expires"] == 300  # a scan that could not start in time is dropped
    digest = schedule["daily-digest"]
    assert digest["task"] == send_daily_digests_task.name
    assert digest["schedule"] == crontab(hour=7, minute=30)
    assert settings.CELERY_TIMEZONE == "Asia/Ho_Chi_Minh"
    assert "outbox-requeue" in schedule


def test_tasks_acknowledge_late_and_retry_with_jittered_backoff():
    for task in (send_outbound_email, scan_deadlines_task, send_daily_digests_task):
        assert task.acks_late
        assert task.retry_backoff and task.retry_jitter
    assert send_outbound_email.reject_on_worker_lost


@pytest.mark.django_db
def test_the_periodic_tasks_run(catalogue):
    assert scan_deadlines_task.delay().get()["reports"] == 0
    assert send_daily_digests_task.delay().get() == {"emails": 0, "checks_fixed": 0}
