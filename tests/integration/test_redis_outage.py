"""A Redis outage as an operator meets it: the portal runs under gunicorn on the deployed
settings, with a Redis of its own as cache and broker, and that Redis is killed. Citizens still
send reports through the real form (CSRF, a photo), partners through Open311, staff still sign
in; rate limits and lockouts still hold. Once Redis is back, a real worker sends every
acknowledgement that waited in the outbox."""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from accounts.models import StaffMembership
from camau_portal.notifications.models import OutboundEmail
from reports.models import ApiKey, Report
from services.models import Category, Commune, Department
from tests.factories import StaffMembershipFactory, UserFactory, jpeg_upload
from tests.integration.harness import (
    Browser,
    RecordingHandler,
    SmtpServer,
    WebServer,
    Worker,
    wait_for,
)

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

DELIVERY_TIMEOUT = 90
PASSWORD = "correct horse battery"  # tests.factories.UserFactory
SUBMITTED = re.compile(r"^/reports/(CM-[0-9A-Z]{4}-[0-9A-Z]{4})/submitted/$")


@pytest.fixture
def intake_officer(catalogue):
    user = UserFactory(email="tiepnhan@camau.gov.vn", is_staff=True)
    # Hashed as the deployed settings hash: the test settings' fast hasher is not among theirs.
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(PASSWORD, hasher.salt())
    user.save(update_fields=["password"])
    StaffMembershipFactory(
        user=user,
        role=StaffMembership.Role.INTAKE_OFFICER,
        department=Department.objects.get(code="IOC"),
    )
    return user


def report_form(category_code: str, title: str, email: str) -> dict:
    commune = an_xuyen()
    return {
        "category": str(Category.objects.get(code=category_code).pk),
        "title": title,
        "description": "Mô tả chi tiết của người dân về sự việc ở ngoài hiện trường.",
        "commune": str(commune.pk),
        "latitude": f"{commune.latitude:.6f}",
        "longitude": f"{commune.longitude:.6f}",
        "address": "Trước số 120 Lý Thường Kiệt",
        "reporter_name": "Lê Văn Cường",
        "reporter_email": email,
        "reporter_phone": "",
        "name_hidden": "on",
    }


def an_xuyen() -> Commune:
    return Commune.objects.get(name="Phường An Xuyên")


def tracking_code(response) -> str:
    assert response.status == 302, response.text[-3000:]
    return SUBMITTED.match(response.headers["Location"])[1]


def test_with_redis_killed_reports_and_sign_ins_go_through_and_emails_follow(
    catalogue, intake_officer, private_redis, tmp_path
):
    _key, raw_key = ApiKey.objects.issue(name="Zalo mini app", requests_per_hour=100)
    handler = RecordingHandler()
    web_env = {"REPORT_SUBMIT_RATE": "2/h"}
    worker_env = {  # beat re-queues outbox rows stranded by the outage every 2 s
        "OUTBOX_REQUEUE_INTERVAL_SECONDS": "2",
        "OUTBOX_REQUEUE_GRACE_SECONDS": "1",
        "OUTBOX_REQUEUE_LEASE_SECONDS": "60",
        "DEADLINE_SCAN_INTERVAL_SECONDS": "3600",
    }
    with (
        SmtpServer(handler) as smtp,
        WebServer(
            broker_url=private_redis.url, smtp_url=smtp.url, var_dir=tmp_path, env=web_env
        ) as web,
    ):
        citizen, officer, guesser = Browser(web.url), Browser(web.url), Browser(web.url)
        assert citizen.get("/reports/new/").status == 200
        assert officer.get("/staff/login/").status == 200
        assert guesser.get("/staff/login/").status == 200

        private_redis.kill()

        # Citizens: the real form over HTTP, one with a photo.
        light = citizen.post_form(
            "/reports/new/",
            {
                **report_form("STREETLIGHT", "Đèn đường không sáng", "cuong@example.vn"),
                "photos": jpeg_upload(),
            },
        )
        road = citizen.post_form(
            "/reports/new/", report_form("ROAD_DAMAGE", "Ổ gà giữa đường", "lan@example.vn")
        )
        web_codes = [tracking_code(light), tracking_code(road)]
        # The rate limit still holds (REPORT_SUBMIT_RATE is 2/h here), and keeps the input.
        third = citizen.post_form(
            "/reports/new/", report_form("FLOODING", "Ngập sâu sau mưa", "hoa@example.vn")
        )
        assert third.status == 429
        assert "Ngập sâu sau mưa" in third.text

        # A partner through Open311.
        created = citizen.post(
            "/open311/v2/requests.json",
            urlencode(
                {
                    "api_key": raw_key,
                    "service_code": "GARBAGE",
                    "lat": f"{an_xuyen().latitude:.6f}",
                    "long": f"{an_xuyen().longitude:.6f}",
                    "description": "Rác thải đổ trộm bên bờ kênh, bốc mùi hôi.",
                    "email": "doitac@example.vn",
                }
            ).encode(),
            content_type="application/x-www-form-urlencoded",
        )
        assert created.status == 201, created.text
        api_code = json.loads(created.text)[0]["service_request_id"]

        # Staff sign in and work; a guesser is still locked out after five failures.
        signed_in = officer.post_form(
            "/staff/login/", {"email": intake_officer.email, "password": PASSWORD}
        )
        assert signed_in.status == 302, re.findall(r"alert[^>]*>([^<]*)", signed_in.text)
        assert signed_in.headers["Location"] == "/staff/"
        dashboard = officer.get("/staff/")
        assert dashboard.status == 200 and web_codes[0] in dashboard.text
        guesses = [
            guesser.post_form("/staff/login/", {"email": intake_officer.email, "password": "x"})
            for _ in range(5)
        ]
        assert [response.status for response in guesses] == [400, 400, 400, 400, 429]
        assert "15" in guesses[-1].text

        health = json.loads(citizen.get("/healthz").text)
        assert health["status"] == "degraded" and health["checks"]["database"] == "ok"

        codes = [*web_codes, api_code]
        reports = list(Report.objects.filter(tracking_code__in=codes))
        assert len(reports) == 3
        assert Report.objects.get(tracking_code=web_codes[0]).photos.count() == 1
        emails = OutboundEmail.objects.filter(report_id__in=[report.pk for report in reports])
        assert sorted(emails.values_list("status", flat=True)) == ["pending"] * 3
        assert handler.messages == []

        private_redis.start()  # the same port, empty: the tasks queued before are gone too
        worker = Worker(
            broker_url=private_redis.url,
            smtp_url=smtp.url,
            var_dir=tmp_path,
            beat=True,
            env=worker_env,
        )
        worker.start()
        try:
            wait_for(
                lambda: all(handler.with_code(code) for code in codes),
                timeout=DELIVERY_TIMEOUT,
                message="acknowledgements of reports sent during the outage never arrived",
            )
            wait_for(
                lambda: set(emails.values_list("status", flat=True)) == {"sent"},
                timeout=30,
                message="outbox rows not marked sent",
            )
        except BaseException:
            print(worker.log_text())
            raise
        finally:
            worker.stop()

    recipients = {code: handler.with_code(code)[0]["To"] for code in codes}
    assert recipients == {
        web_codes[0]: "cuong@example.vn",
        web_codes[1]: "lan@example.vn",
        api_code: "doitac@example.vn",
    }
    assert all(len(handler.with_code(code)) == 1 for code in codes)
