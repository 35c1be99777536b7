"""Celery wiring of the deadline and email tasks: schedule, queues, limits."""

import pytest
from celery.schedules import crontab
from django.conf import settings

from camau_portal.celery import app
from camau_portal.checks import task_limits_below_visibility_timeout
from camau_portal.notifications.tasks import send_outbound_email
from reports.deadlines.tasks import scan_deadlines_task, send_daily_digests_task
from reports.intake.tasks import make_photo_thumbnail


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


def test_emails_and_photos_have_queues_of_their_own():
    def queue_of(name):
        return app.amqp.router.route({}, name)["queue"].name

    assert queue_of(send_outbound_email.name) == "email"
    assert queue_of(make_photo_thumbnail.name) == "images"
    assert queue_of(scan_deadlines_task.name) == "default"
    routing_keys = {queue.name: queue.routing_key for queue in settings.CELERY_TASK_QUEUES}
    assert routing_keys == {"default": "default", "email": "email", "images": "images"}


def test_tasks_acknowledge_late_and_retry_with_jittered_backoff():
    for task in (send_outbound_email, scan_deadlines_task, send_daily_digests_task):
        assert task.acks_late
        assert task.retry_backoff and task.retry_jitter
    assert send_outbound_email.reject_on_worker_lost


def test_task_time_limits_must_stay_below_the_visibility_timeout(settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/1"
    settings.CELERY_VISIBILITY_TIMEOUT = 3600
    settings.CELERY_TASK_TIME_LIMIT = 300
    assert task_limits_below_visibility_timeout(None) == []
    settings.CELERY_TASK_TIME_LIMIT = 3600
    assert [error.id for error in task_limits_below_visibility_timeout(None)] == [
        "camau_portal.E005"
    ]


@pytest.mark.django_db
def test_the_periodic_tasks_run(catalogue):
    assert scan_deadlines_task.delay().get()["reports"] == 0
    assert send_daily_digests_task.delay().get() == {"emails": 0, "checks_fixed": 0}
