"""Email delivery end to end: a submitted report's acknowledgement travels through Redis and a
real Celery worker to an SMTP server on loopback, survives a worker killed mid-task, and
survives Redis being stopped while reports are submitted."""

from __future__ import annotations

import time

import pytest

from camau_portal.notifications.models import OutboundEmail
from tests.integration.harness import (
    RecordingHandler,
    SmtpServer,
    Worker,
    publishing_to,
    running,
    wait_for,
)
from tests.reports.support import submit_report

pytestmark = [pytest.mark.redis, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

DELIVERY_TIMEOUT = 90


def status_of(report) -> list[str]:
    return list(OutboundEmail.objects.filter(report_id=report.pk).values_list("status", flat=True))


def test_the_acknowledgement_reaches_an_smtp_server_through_the_worker(
    catalogue, private_redis, tmp_path
):
    handler = RecordingHandler()
    with SmtpServer(handler) as smtp, publishing_to(private_redis.url):
        worker = Worker(broker_url=private_redis.url, smtp_url=smtp.url, var_dir=tmp_path)
        with running(worker):
            report = submit_report(reporter_email="ack@example.org")
            wait_for(
                lambda: handler.with_code(report.tracking_code),
                timeout=DELIVERY_TIMEOUT,
                message="the acknowledgement never reached the SMTP server",
            )
            wait_for(lambda: status_of(report) == ["sent"], timeout=30, message="row not sent")
    [message] = handler.with_code(report.tracking_code)
    assert message["To"] == "ack@example.org"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert f"http://portal.test/reports/{report.tracking_code}/p/" in text
    assert report.tracking_code in html
    assert str(message["List-Unsubscribe"]).strip().startswith("<http://portal.test/unsubscribe/")


def test_a_worker_killed_in_the_middle_of_a_task_does_not_lose_it(
    catalogue, private_redis, tmp_path
):
    # A short visibility timeout (and task limits below it) so the broker hands the unfinished
    # task to the next worker within seconds rather than an hour.
    env = {
        "CELERY_VISIBILITY_TIMEOUT": "6",
        "CELERY_TASK_TIME_LIMIT": "5",
        "CELERY_TASK_SOFT_TIME_LIMIT": "4",
    }
    handler = RecordingHandler(hold_first=True)
    with SmtpServer(handler) as smtp, publishing_to(private_redis.url):
        first = Worker(broker_url=private_redis.url, smtp_url=smtp.url, var_dir=tmp_path, env=env)
        with running(first):
            report = submit_report(reporter_email="killed@example.org")
            wait_for(handler.holding.is_set, timeout=DELIVERY_TIMEOUT, message="no delivery")
            first.kill()  # mid-task: the SMTP conversation is open, the row is locked
        handler.release()
        assert status_of(report) == ["pending"]
        assert handler.with_code(report.tracking_code) == []
        time.sleep(7)  # past the visibility timeout: the message is visible again

        second = Worker(broker_url=private_redis.url, smtp_url=smtp.url, var_dir=tmp_path, env=env)
        with running(second):
            wait_for(
                lambda: handler.with_code(report.tracking_code),
                timeout=DELIVERY_TIMEOUT,
                message="the task of the killed worker was lost",
            )
            wait_for(lambda: status_of(report) == ["sent"], timeout=30, message="row not sent")
            time.sleep(2)
    assert len(handler.with_code(report.tracking_code)) == 1


def test_redis_stopped_during_submissions_loses_no_email(catalogue, private_redis, tmp_path):
    broker = private_redis
    env = {
        # Beat re-queues stranded outbox rows every 2 s in this test (every minute by default).
        "OUTBOX_REQUEUE_INTERVAL_SECONDS": "2",
        "OUTBOX_REQUEUE_GRACE_SECONDS": "1",
        "OUTBOX_REQUEUE_LEASE_SECONDS": "60",
        "DEADLINE_SCAN_INTERVAL_SECONDS": "3600",
    }
    handler = RecordingHandler()
    with SmtpServer(handler) as smtp, publishing_to(broker.url):
        worker = Worker(
            broker_url=broker.url, smtp_url=smtp.url, var_dir=tmp_path, beat=True, env=env
        )
        with running(worker):
            before = submit_report(reporter_email="before@example.org")
            wait_for(
                lambda: handler.with_code(before.tracking_code),
                timeout=DELIVERY_TIMEOUT,
                message="no delivery before the outage",
            )

            broker.stop()
            during = [submit_report(reporter_email=f"during{n}@example.org") for n in range(3)]
            # The submissions succeeded; their emails wait in the outbox.
            for report in during:
                assert status_of(report) == ["pending"]

            broker.start()  # the same port, and empty: the queued messages are gone too
            reports = [before, *during]
            wait_for(
                lambda: all(handler.with_code(r.tracking_code) for r in reports),
                timeout=DELIVERY_TIMEOUT,
                message="emails submitted during the outage were lost",
            )
            wait_for(
                lambda: all(status_of(r) == ["sent"] for r in reports),
                timeout=30,
                message="rows not marked sent",
            )
            time.sleep(5)  # a few more re-queue rounds: nothing may be sent twice
    for report in reports:
        assert len(handler.with_code(report.tracking_code)) == 1
