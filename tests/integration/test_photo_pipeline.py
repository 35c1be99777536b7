"""Photos as deployed: the portal under gunicorn with DEBUG off and local storage served by the
portal (PORTAL_SERVE_MEDIA), a real Celery worker on a Redis of the test's own. The request only
checks a photo and keeps the original privately; the worker makes the clean image; nothing is
shown before. With Redis down the report and its photo are stored, and beat's sweep has the
photo processed once Redis and the worker are back."""

from __future__ import annotations

import io
import json
import re
import urllib.request

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from reports.models import Photo, Report
from reports.private_link import private_report_url
from services.models import Category, Commune
from tests.factories import publish
from tests.integration.harness import (
    SWEEPS_EVERY_TWO_SECONDS,
    Browser,
    RecordingHandler,
    SmtpServer,
    WebServer,
    Worker,
    running,
    wait_for,
)
from tests.reports.photo_samples import phone_jpeg

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

PROCESSING_TIMEOUT = 120
SUBMITTED = re.compile(r"^/reports/(CM-[0-9A-Z]{4}-[0-9A-Z]{4})/submitted/$")
WEB_ENV = {"PORTAL_SERVE_MEDIA": "true"}
PENDING_TEXT = "Ảnh đang được xử lý"  # the placeholder, in the default language


def report_form(title: str) -> dict:
    commune = Commune.objects.get(name="Phường An Xuyên")
    return {
        "category": str(Category.objects.get(code="ROAD_DAMAGE").pk),
        "title": title,
        "description": "Ổ gà sâu giữa đường, xe máy đi qua rất nguy hiểm vào ban đêm.",
        "commune": str(commune.pk),
        "latitude": f"{commune.latitude:.6f}",
        "longitude": f"{commune.longitude:.6f}",
        "address": "Trước số 120 Lý Thường Kiệt",
        "reporter_name": "Lê Văn Cường",
        "reporter_email": "cuong@example.vn",
        "reporter_phone": "0912 345 678",
        "name_hidden": "on",
    }


def files_under(folder) -> list:
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


def fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.headers.get_content_type(), response.read()
    except urllib.error.HTTPError as error:
        return error.code, "", b""


def send_report_with_photo(citizen: Browser, title: str, original: bytes) -> Report:
    assert citizen.get("/reports/new/").status == 200
    upload = SimpleUploadedFile("IMG_0001.jpg", original, "image/jpeg")
    response = citizen.post_form("/reports/new/", {**report_form(title), "photos": upload})
    assert response.status == 302, response.text[-3000:]
    return Report.objects.get(tracking_code=SUBMITTED.match(response.headers["Location"])[1])


def test_the_worker_processes_a_photo_and_only_then_is_it_shown(catalogue, private_redis, tmp_path):
    original = phone_jpeg(size=(3000, 2000))  # GPS, device names, XMP; orientation 6
    with (
        SmtpServer(RecordingHandler()) as smtp,
        WebServer(
            broker_url=private_redis.url, smtp_url=smtp.url, var_dir=tmp_path, env=WEB_ENV
        ) as web,
    ):
        citizen = Browser(web.url)
        report = send_report_with_photo(citizen, "Ổ gà trước chợ", original)
        photo = report.photos.get()

        # No worker yet: the photo waits, as uploaded, outside the served folder.
        assert photo.state == Photo.State.PENDING
        assert not photo.image and not photo.thumbnail
        assert files_under(tmp_path / "media") == []
        (kept,) = files_under(tmp_path / "photo-originals")
        assert kept.read_bytes() == original
        private_page = citizen.get(private_report_url(report)).text
        assert PENDING_TEXT in private_page
        assert "/media/" not in private_page and photo.key not in private_page
        assert fetch(web.url + "/media/" + photo.original.name)[0] == 404

        worker = Worker(broker_url=private_redis.url, smtp_url=smtp.url, var_dir=tmp_path)
        with running(worker):
            wait_for(
                lambda: Photo.objects.get(pk=photo.pk).state == Photo.State.READY,
                timeout=PROCESSING_TIMEOUT,
                message="the worker never processed the photo",
            )

        photo.refresh_from_db()
        assert files_under(tmp_path / "photo-originals") == []  # gone once the clean copy exists
        status, content_type, content = fetch(web.url + photo.image.url)
        assert (status, content_type) == (200, "image/jpeg")
        clean = Image.open(io.BytesIO(content))
        assert clean.size == (1365, 2048)  # upright, longest edge 2048
        assert not clean.getexif()
        for secret in (b"Exif", b"SecretPhone", b"http://ns.adobe.com/xap"):
            assert secret not in content
        assert fetch(web.url + photo.thumbnail.url)[:2] == (200, "image/jpeg")

        # The reporter sees it on their page; the public sees nothing until the report is public.
        private_page = citizen.get(private_report_url(report)).text
        assert photo.thumbnail.url in private_page and PENDING_TEXT not in private_page
        assert photo.thumbnail.url not in citizen.get(f"/reports/{report.tracking_code}/").text
        assert citizen.get(f"/map/reports/{report.tracking_code}.json").status == 404

        publish(report)
        assert photo.thumbnail.url in citizen.get(f"/reports/{report.tracking_code}/").text
        popup = json.loads(citizen.get(f"/map/reports/{report.tracking_code}.json").text)
        assert popup["photo"] == photo.thumbnail.url
        (record,) = json.loads(
            citizen.get(f"/open311/v2/requests/{report.tracking_code}.json").text
        )
        assert record["media_url"].endswith(photo.image.url)


def test_with_redis_down_the_photo_is_stored_and_processed_when_the_worker_returns(
    catalogue, private_redis, tmp_path
):
    with (
        SmtpServer(RecordingHandler()) as smtp,
        WebServer(
            broker_url=private_redis.url, smtp_url=smtp.url, var_dir=tmp_path, env=WEB_ENV
        ) as web,
    ):
        citizen = Browser(web.url)
        assert citizen.get("/reports/new/").status == 200
        private_redis.kill()

        report = send_report_with_photo(citizen, "Ổ gà sau cơn mưa", phone_jpeg(size=(1200, 900)))
        photo = report.photos.get()
        assert photo.state == Photo.State.PENDING
        assert len(files_under(tmp_path / "photo-originals")) == 1

        private_redis.start()  # empty: the photo's task never reached it
        worker = Worker(
            broker_url=private_redis.url,
            smtp_url=smtp.url,
            var_dir=tmp_path,
            beat=True,
            env=SWEEPS_EVERY_TWO_SECONDS,
        )
        with running(worker):
            wait_for(
                lambda: Photo.objects.get(pk=photo.pk).state == Photo.State.READY,
                timeout=PROCESSING_TIMEOUT,
                message="the sweep never had the photo processed",
            )
    photo.refresh_from_db()
    assert photo.thumbnail and files_under(tmp_path / "photo-originals") == []
