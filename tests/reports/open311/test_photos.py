"""Photos sent with an Open311 request never cost the report: ``media``, ``photo`` and
``photoN`` uploads are all stored, and a ``media_url`` is downloaded after the report is filed
(from a real HTTP server on loopback), retried while the failure may pass, and a failure is
written on the staff timeline."""

import io
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PIL import Image

from reports.models import ApiKey, Photo, RemotePhoto, Report, ReportEvent
from reports.open311 import actions, tasks
from services.models import Commune
from tests.factories import jpeg_upload

pytestmark = pytest.mark.django_db

URL = "/open311/v2/requests.json"


def _jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (30, 120, 200)).save(buffer, format="JPEG")
    return buffer.getvalue()


class PhotoHost(BaseHTTPRequestHandler):
    """``/ok.jpg`` a photo; ``/flaky.jpg`` a 503 twice, then the photo; ``/down.jpg`` always
    a 503; ``/missing.jpg`` a 404; ``/page.html`` a web page."""

    hits: dict[str, int] = {}

    def do_GET(self):
        self.hits[self.path] = self.hits.get(self.path, 0) + 1
        if self.path == "/ok.jpg" or (self.path == "/flaky.jpg" and self.hits[self.path] > 2):
            body, status, kind = _jpeg_bytes(), 200, "image/jpeg"
        elif self.path in ("/flaky.jpg", "/down.jpg"):
            body, status, kind = b"busy", 503, "text/plain"
        elif self.path == "/page.html":
            body, status, kind = b"<html></html>", 200, "text/html"
        else:
            body, status, kind = b"no", 404, "text/plain"
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def photo_host(settings):
    settings.OPEN311_MEDIA_PRIVATE_HOSTS = True  # the test's server is on loopback
    PhotoHost.hits = {}
    server = ThreadingHTTPServer(("127.0.0.1", 0), PhotoHost)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def no_waiting(monkeypatch):
    """Retries run at once (in-process Celery runs a task at once; this records the delay)."""
    delays = []
    original = actions.remote_photo_retry_delay

    def recorded(attempts):
        delays.append(original(attempts).total_seconds())
        return timedelta(0)

    monkeypatch.setattr(actions, "remote_photo_retry_delay", recorded)
    return delays


@pytest.fixture
def key(catalogue):
    return ApiKey.objects.issue(name="FixMyStreet Cà Mau")[1]


def request_data(key, **extra):
    commune = Commune.objects.get(name="Phường An Xuyên")
    return {
        "api_key": key,
        "service_code": "ROAD_DAMAGE",
        "lat": f"{commune.latitude:.6f}",
        "long": f"{commune.longitude:.6f}",
        "description": "Ổ gà lớn giữa đường, xe máy dễ té ngã vào ban đêm.",
        "email": "binh.tran@example.vn",
        **extra,
    }


def posted(client, data, django_capture_on_commit_callbacks) -> Report:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, data)
    assert response.status_code == 201, response.content
    return Report.objects.get(tracking_code=response.json()[0]["service_request_id"])


def test_photo_and_numbered_photo_uploads_are_all_stored(
    client, key, django_capture_on_commit_callbacks
):
    data = request_data(
        key,
        media=jpeg_upload("m.jpg"),
        photo2=jpeg_upload("second.jpg", colour=(0, 200, 0)),
        photo1=jpeg_upload("first.jpg", colour=(0, 0, 200)),
    )
    report = posted(client, data, django_capture_on_commit_callbacks)
    photos = Photo.objects.filter(report=report).order_by("position")
    assert photos.count() == 3


def test_a_photo_by_address_is_downloaded_after_the_report_is_stored(
    client, key, photo_host, django_capture_on_commit_callbacks
):
    data = request_data(key, media_url=f"{photo_host}/ok.jpg")
    report = posted(client, data, django_capture_on_commit_callbacks)
    (photo,) = Photo.objects.filter(report=report)
    assert (photo.width, photo.height) == (320, 240)
    added = ReportEvent.objects.get(report=report, kind=ReportEvent.Kind.PHOTO_ADDED)
    assert photo.event_id == added.pk and not added.is_public


def test_a_download_that_fails_for_a_while_is_retried(
    client, key, photo_host, no_waiting, django_capture_on_commit_callbacks
):
    data = request_data(key, media_url=f"{photo_host}/flaky.jpg")
    report = posted(client, data, django_capture_on_commit_callbacks)
    assert PhotoHost.hits["/flaky.jpg"] == 3
    assert Photo.objects.filter(report=report).count() == 1
    assert no_waiting == [30, 60]  # the backoff: 30 s, then twice as long
    remote = RemotePhoto.objects.get(report=report)
    assert (remote.state, remote.attempts) == (RemotePhoto.State.ATTACHED, 3)


@pytest.mark.parametrize(
    "path, tries, reason",
    [
        ("/down.jpg", 6, "media_url could not be downloaded (HTTP 503)"),
        ("/missing.jpg", 1, "media_url could not be downloaded (HTTP 404)"),
        ("/page.html", 1, "media_url must point to an image"),
    ],
)
def test_a_photo_that_cannot_be_had_costs_nothing_but_a_line_on_the_staff_timeline(
    client, key, photo_host, no_waiting, django_capture_on_commit_callbacks, path, tries, reason
):
    url = f"{photo_host}{path}"
    report = posted(client, request_data(key, media_url=url), django_capture_on_commit_callbacks)
    assert report.status == Report.Status.SUBMITTED
    assert PhotoHost.hits[path] == tries  # bounded: the first try and five more at most
    assert not Photo.objects.filter(report=report).exists()
    failed = ReportEvent.objects.get(report=report, kind=ReportEvent.Kind.PHOTO_FAILED)
    assert failed.data == {"media_url": url, "reason": reason, "attempts": tries}
    assert not failed.is_public
    assert url in failed.internal_note
    remote = RemotePhoto.objects.get(report=report)
    assert (remote.state, remote.attempts) == (RemotePhoto.State.FAILED, tries)


def test_the_failure_is_on_the_staff_workbench(
    client, admin_client, key, photo_host, no_waiting, django_capture_on_commit_callbacks
):
    url = f"{photo_host}/missing.jpg"
    report = posted(client, request_data(key, media_url=url), django_capture_on_commit_callbacks)
    page = admin_client.get(f"/staff/r/{report.tracking_code}/")
    assert page.status_code == 200
    assert url in page.content.decode()


def test_a_download_whose_task_never_reached_the_broker_is_queued_by_the_sweep(
    client, key, photo_host, settings, django_capture_on_commit_callbacks, monkeypatch
):
    """The broker refuses the task (down): the report is stored all the same, the photo waits
    as a row, and beat's sweep queues it once it is overdue."""

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("Redis is down")

    settings.PHOTO_SWEEP_GRACE_SECONDS = 0
    with monkeypatch.context() as broken:
        broken.setattr(tasks.download_remote_photo, "apply_async", broker_down)
        report = posted(
            client, request_data(key, media_url=f"{photo_host}/ok.jpg"),
            django_capture_on_commit_callbacks,
        )  # fmt: skip
    remote = RemotePhoto.objects.get(report=report)
    assert (remote.state, remote.attempts) == (RemotePhoto.State.PENDING, 0)
    assert PhotoHost.hits == {}
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.queue_remote_photos.delay().get() == 1
    remote.refresh_from_db()
    assert (remote.state, remote.attempts) == (RemotePhoto.State.ATTACHED, 1)
    assert Photo.objects.filter(report=report).count() == 1
    assert tasks.queue_remote_photos.delay().get() == 0  # nothing waits any more


def test_a_download_queued_by_the_previous_release_is_done_through_a_row(
    client, key, photo_host, django_capture_on_commit_callbacks
):
    report = posted(client, request_data(key), django_capture_on_commit_callbacks)
    url = f"{photo_host}/ok.jpg"
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.fetch_remote_photo.delay(report.pk, url, 0).get() == "attached"
    remote = RemotePhoto.objects.get(report=report)
    assert (remote.url, remote.state, remote.attempts) == (url, RemotePhoto.State.ATTACHED, 1)
    assert Photo.objects.filter(report=report).count() == 1
