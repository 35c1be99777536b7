"""Status SMS end to end: a phone-only report's texts travel through Redis and a real Celery
worker, over SMPP 3.4, to the loopback SMSC (tests/integration/smsc.py). Refused binds and
dropped connections are retried and the text still arrives once; texts queued while Redis or
the SMSC is down arrive when they are back; an opted-out reporter gets nothing more."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from camau_portal.notifications.models import OutboundEmail
from reports.handling.actions import report_accept
from reports.models import Follower, ReportEvent
from services.models import Department
from tests.integration.harness import (
    RecordingHandler,
    SmtpServer,
    Worker,
    publishing_to,
    running,
    wait_for,
)
from tests.integration.smsc import Smsc
from tests.reports.support import public_event, staff, submit_report

pytestmark = [pytest.mark.redis, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

DELIVERY_TIMEOUT = 90
PHONE = "+84912345678"


def worker_for(smsc: Smsc, broker_url: str, smtp_url: str, tmp_path, **env) -> Worker:
    return Worker(
        broker_url=broker_url,
        smtp_url=smtp_url,
        var_dir=tmp_path,
        beat=env.pop("beat", False),
        env={
            "SMS_SMPP_HOST": "127.0.0.1",
            "SMS_SMPP_PORT": str(smsc.port),
            "SMS_SMPP_SYSTEM_ID": "camau",
            "SMS_SMPP_PASSWORD": "s3cret",
            "SMS_SOURCE_ADDRESS": "UBND CAMAU",
            "SMS_TIMEOUT": "5",
            "OUTBOX_RETRY_DELAYS_SECONDS": "1,1,2,2",
            "DEADLINE_SCAN_INTERVAL_SECONDS": "3600",
            **env,
        },
    )


def phone_report(phone: str = "0912 345 678"):
    return submit_report(reporter_email="", reporter_phone=phone)


def sms_rows(report) -> list[tuple[str, str, int]]:
    return list(
        OutboundEmail.objects.filter(report_id=report.pk, channel="sms")
        .order_by("pk")
        .values_list("template", "status", "attempts")
    )


def texts_about(smsc: Smsc, report) -> list[str]:
    return [m.text for m in smsc.to(PHONE) if report.tracking_code in m.text]


def test_status_texts_reach_the_smsc_through_the_worker_until_the_reporter_opts_out(
    catalogue, private_redis, tmp_path
):
    intake = staff("intake_officer", department=Department.objects.get(code="IOC"))
    with (
        Smsc() as smsc,
        SmtpServer(RecordingHandler()) as smtp,
        publishing_to(private_redis.url),
    ):
        smsc.behaviour.password = "s3cret"
        worker = worker_for(
            smsc,
            private_redis.url,
            smtp.url,
            tmp_path,
            beat=True,
            SMS_RECEIPTS_INTERVAL_SECONDS="2",
        )
        with running(worker):
            report = phone_report()
            wait_for(lambda: texts_about(smsc, report), timeout=DELIVERY_TIMEOUT, message="no SMS")
            report_accept(report=report, acting_user=intake)
            wait_for(
                lambda: len(texts_about(smsc, report)) == 2,
                timeout=DELIVERY_TIMEOUT,
                message="no SMS for the acceptance",
            )
            # The reporter follows the stop link in the text and confirms.
            stop_path = texts_about(smsc, report)[-1].rsplit("portal.test", 1)[1]
            client = Client()
            page = client.get(stop_path)
            assert page.status_code == 302
            assert client.post(page["Location"], {"action": "unsubscribe"}).status_code == 200
            assert not Follower.objects.get(report=report).is_subscribed
            public_event(report, ReportEvent.Kind.RESOLVED, public_message="Đã thay bóng đèn.")
            # Beat collects the SMSC's delivery receipts every 2 s here.
            wait_for(
                lambda: (
                    list(
                        OutboundEmail.objects.filter(report_id=report.pk).values_list(
                            "delivery_report", flat=True
                        )
                    )
                    == ["DELIVRD", "DELIVRD"]
                ),
                timeout=30,
                message="no delivery receipts",
            )
            time.sleep(2)  # time enough for a text to go, if one were queued
    acknowledgement, accepted = texts_about(smsc, report)
    assert acknowledgement.startswith(f"Phan anh {report.tracking_code} da duoc ghi nhan.")
    assert accepted.startswith(f"Phan anh {report.tracking_code} da duoc tiep nhan.")
    assert "http://portal.test/r/" in accepted and "http://portal.test/s/" in accepted
    submitted = smsc.to(PHONE)[0]
    assert (submitted.source_addr, submitted.data_coding, submitted.system_id) == (
        "UBND CAMAU",
        0,
        "camau",
    )
    rows = OutboundEmail.objects.filter(report_id=report.pk, channel="sms").order_by("pk")
    assert [(r.template, r.status) for r in rows] == [
        ("event_submitted", "sent"),
        ("event_accepted", "sent"),
    ]
    assert [r.provider_message_id for r in rows] == [m.message_id for m in smsc.to(PHONE)]
    assert smsc.transmitter_binds == 1  # one session carried both texts


def test_refused_binds_and_dropped_connections_are_retried_and_the_text_arrives_once(
    catalogue, private_redis, tmp_path
):
    with (
        Smsc() as smsc,
        SmtpServer(RecordingHandler()) as smtp,
        publishing_to(private_redis.url),
    ):
        smsc.behaviour.refuse_binds = 1
        smsc.behaviour.drop_on_submits = 1
        smsc.behaviour.throttle_submits = 0
        with running(worker_for(smsc, private_redis.url, smtp.url, tmp_path)):
            report = phone_report()
            wait_for(lambda: texts_about(smsc, report), timeout=DELIVERY_TIMEOUT, message="no SMS")
            wait_for(
                lambda: sms_rows(report) == [("event_submitted", "sent", 3)],
                timeout=30,
                message=f"row not sent on the third attempt: {sms_rows(report)}",
            )
            time.sleep(4)  # further retries or re-queues would show now
    assert smsc.refused_binds == 1 and smsc.dropped == 1
    assert len(texts_about(smsc, report)) == 1


def test_texts_queued_while_redis_and_the_smsc_are_down_arrive_when_they_are_back(
    catalogue, private_redis, tmp_path
):
    smsc = Smsc()  # not listening yet: the carrier's SMSC is down too
    env = {
        "beat": True,
        "OUTBOX_REQUEUE_INTERVAL_SECONDS": "2",
        "OUTBOX_REQUEUE_GRACE_SECONDS": "1",
        "OUTBOX_REQUEUE_LEASE_SECONDS": "60",
    }
    with SmtpServer(RecordingHandler()) as smtp, publishing_to(private_redis.url):
        worker = worker_for(smsc, private_redis.url, smtp.url, tmp_path, **env)
        with running(worker):
            private_redis.stop()
            reports = [phone_report(f"09123456{n:02d}") for n in range(3)]
            for report in reports:
                assert sms_rows(report) == [("event_submitted", "pending", 0)]
            private_redis.start()  # empty: whatever was queued is gone
            # Beat re-queues the rows; the worker meets a dead SMSC and schedules retries.
            wait_for(
                lambda: all(sms_rows(r)[0][2] >= 1 for r in reports),
                timeout=DELIVERY_TIMEOUT,
                message="the rows were never tried",
            )
            assert all(sms_rows(r)[0][1] == "pending" for r in reports)
            with smsc:
                wait_for(
                    lambda: all(sms_rows(r)[0][1] == "sent" for r in reports),
                    timeout=DELIVERY_TIMEOUT,
                    message=f"texts lost: {[sms_rows(r) for r in reports]}",
                )
                time.sleep(4)
    for n, report in enumerate(reports):
        to = f"+8491234560{n}"
        assert [m.destination_addr for m in smsc.submitted].count(to.lstrip("+")) == 1
        [text] = [m.text for m in smsc.to(to)]
        assert report.tracking_code in text
