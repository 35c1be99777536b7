"""A Redis outage as an operator meets it: the portal runs under gunicorn on the deployed
settings, with a Redis of its own as cache and broker, and that Redis is killed. Citizens still
send reports through the real form (CSRF, a photo), partners through Open311, staff still sign
in; rate limits and lockouts still hold. Once Redis is back, a real worker sends every
acknowledgement that waited in the outbox."""

from __future__ import annotations

import json
import re
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from accounts.models import StaffMembership
from camau_portal.notifications.models import OutboundEmail
from reports.models import ApiKey, Photo, RemotePhoto, Report, ReportEvent
from services.models import Category, Commune, Department
from tests.factories import StaffMembershipFactory, UserFactory, jpeg_upload
from tests.integration.harness import (
    SWEEPS_EVERY_TWO_SECONDS,
    Browser,
    RecordingHandler,
    SmtpServer,
    WebServer,
    Worker,
    free_port,
    running,
    wait_for,
)
from tests.reports.photo_samples import phone_jpeg

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

DELIVERY_TIMEOUT = 90
PHOTO_TIMEOUT = 120
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
            env=SWEEPS_EVERY_TWO_SECONDS,
        )
        with running(worker):
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

    recipients = {code: handler.with_code(code)[0]["To"] for code in codes}
    assert recipients == {
        web_codes[0]: "cuong@example.vn",
        web_codes[1]: "lan@example.vn",
        api_code: "doitac@example.vn",
    }
    assert all(len(handler.with_code(code)) == 1 for code in codes)


@contextmanager
def photo_host(port: int, photo: bytes):
    """Another system's web server on loopback, serving ``/pothole.jpg`` and counting the
    requests."""
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            found = self.path == "/pothole.jpg"
            body = photo if found else b"no"
            self.send_response(200 if found else 404)
            self.send_header("Content-Type", "image/jpeg" if found else "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield hits
    finally:
        server.shutdown()
        server.server_close()


def test_a_photo_by_address_sent_while_redis_is_down_is_downloaded_once_it_is_back(
    catalogue, private_redis, tmp_path
):
    """The partner's photo server is not even up during the outage: the report is stored
    with its photo waiting as a row, and once Redis, the worker and that server are back,
    beat's sweep has it downloaded, attached and processed."""
    _key, raw_key = ApiKey.objects.issue(name="FixMyStreet Cà Mau")
    env = {"OPEN311_MEDIA_PRIVATE_HOSTS": "true"}  # the photo server is on loopback
    photo_port = free_port()
    media_url = f"http://127.0.0.1:{photo_port}/pothole.jpg"
    with (
        SmtpServer(RecordingHandler()) as smtp,
        WebServer(
            broker_url=private_redis.url, smtp_url=smtp.url, var_dir=tmp_path, env=env
        ) as web,
    ):
        partner = Browser(web.url)
        private_redis.kill()
        created = partner.post(
            "/open311/v2/requests.json",
            urlencode(
                {
                    "api_key": raw_key,
                    "service_code": "ROAD_DAMAGE",
                    "lat": f"{an_xuyen().latitude:.6f}",
                    "long": f"{an_xuyen().longitude:.6f}",
                    "description": "Ổ gà lớn giữa đường, xe máy dễ té ngã vào ban đêm.",
                    "email": "doitac@example.vn",
                    "media_url": media_url,
                }
            ).encode(),
            content_type="application/x-www-form-urlencoded",
        )
        assert created.status == 201, created.text
        report = Report.objects.get(tracking_code=json.loads(created.text)[0]["service_request_id"])
        remote = RemotePhoto.objects.get(report=report)
        assert (remote.url, remote.state, remote.attempts) == (media_url, "pending", 0)

        private_redis.start()  # empty: the download's task never reached it
        worker = Worker(
            broker_url=private_redis.url,
            smtp_url=smtp.url,
            var_dir=tmp_path,
            beat=True,
            env={**SWEEPS_EVERY_TWO_SECONDS, **env},
        )
        with photo_host(photo_port, phone_jpeg(size=(1200, 900))) as hits, running(worker):
            wait_for(
                lambda: Photo.objects.filter(report=report, state=Photo.State.READY).exists(),
                timeout=PHOTO_TIMEOUT,
                message="the photo sent during the outage was never downloaded and processed",
            )
    remote.refresh_from_db()
    assert (remote.state, remote.attempts) == (RemotePhoto.State.ATTACHED, 1)
    assert hits == ["/pothole.jpg"]
    (photo,) = Photo.objects.filter(report=report)
    added = ReportEvent.objects.get(report=report, kind=ReportEvent.Kind.PHOTO_ADDED)
    assert photo.event_id == added.pk and added.data == {"media_url": media_url}
    assert not ReportEvent.objects.filter(report=report, kind=ReportEvent.Kind.PHOTO_FAILED)
