"""The project's system checks (camau_portal.checks)."""

from camau_portal.checks import task_limits_below_visibility_timeout


def test_task_time_limits_must_stay_below_the_visibility_timeout(settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/1"
    settings.CELERY_VISIBILITY_TIMEOUT = 3600
    settings.CELERY_TASK_TIME_LIMIT = 300
    assert task_limits_below_visibility_timeout(None) == []
    settings.CELERY_TASK_TIME_LIMIT = 3600
    assert [error.id for error in task_limits_below_visibility_timeout(None)] == [
        "camau_portal.E005"
    ]
