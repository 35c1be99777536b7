"""The report form as an offline app, over HTTP: the outbox's two endpoints, the form's client
key, the service worker script and the web app manifest."""

import io
import json
import re
import uuid

import pytest
from django.conf import settings as django_settings
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from PIL import Image

from camau_portal.devtools.page_weight import measure_page
from reports.intake import offline, photos
from reports.models import Photo, Report
from reports.private_link import private_report_url
from services.models import Category, Commune
from tests.factories import submit_report

pytestmark = pytest.mark.django_db

KEY = "3f6c2a9e-8b1d-4c7e-a5f0-9d2b7e4c1a08"
OWNER = f"client-key:{uuid.UUID(KEY).hex}"
OUTBOX_REPORT = reverse("reports:outbox_report")
OUTBOX_PHOTO = reverse("reports:outbox_photo")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def report_fields(catalogue):
    commune = Commune.objects.get(name="Xã Đất Mũi")
    return {
        "client_key": KEY,
        "category": Category.objects.get(code="EROSION").pk,
        "title": "Sạt lở bờ kè ấp Mũi",
        "description": "Bờ kè bị sạt một đoạn khoảng 10 m, nước tràn vào đường.",
        "commune": commune.pk,
        "latitude": f"{commune.latitude:.6f}",
        "longitude": f"{commune.longitude:.6f}",
        "reporter_phone": "0912345678",
        "name_hidden": "on",
    }


def jpeg(colour=(40, 90, 160), name="bo-ke.jpg"):
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), colour).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def send_photo(client, upload, key=KEY):
    return client.post(OUTBOX_PHOTO, {"client_key": key, "photo": upload})


# ---- The outbox: photos ----


def test_a_photo_sent_again_is_staged_once(client, catalogue):
    photo_bytes = jpeg().read()
    first = send_photo(client, SimpleUploadedFile("a.jpg", photo_bytes, "image/jpeg"))
    again = send_photo(client, SimpleUploadedFile("a.jpg", photo_bytes, "image/jpeg"))
    other = send_photo(client, jpeg(colour=(200, 40, 40)))
    assert first.status_code == again.status_code == other.status_code == 201
    assert again.json()["key"] == first.json()["key"]
    assert other.json()["key"] != first.json()["key"]
    assert Photo.objects.filter(staged_by=OWNER, report__isnull=True).count() == 2
    assert first["Cache-Control"].startswith("max-age=0")


def test_photos_of_one_report_are_limited(client, catalogue, settings):
    settings.PHOTOS_PER_REPORT = 2
    assert send_photo(client, jpeg(colour=(1, 1, 1))).status_code == 201
    assert send_photo(client, jpeg(colour=(90, 90, 90))).status_code == 201
    refused = send_photo(client, jpeg(colour=(180, 180, 180)))
    assert refused.status_code == 400
    assert refused.json()["errors"] == ["Tối đa 2 ảnh cho mỗi phản ánh."]
    # Another report's photos are counted apart.
    assert send_photo(client, jpeg(), key=str(uuid.uuid4())).status_code == 201


def test_a_file_that_is_not_a_photo_is_refused_by_name(client, catalogue):
    fake = SimpleUploadedFile("virus.jpg", b"MZ not an image", content_type="image/jpeg")
    answer = send_photo(client, fake)
    assert answer.status_code == 400
    assert "virus.jpg" in answer.json()["errors"][0]
    assert Photo.objects.count() == 0


def test_a_photo_needs_the_report_key(client, catalogue):
    assert client.post(OUTBOX_PHOTO, {"photo": jpeg()}).status_code == 400
    assert client.post(OUTBOX_PHOTO, {"client_key": KEY}).status_code == 400
    assert (
        client.post(OUTBOX_PHOTO, {"client_key": "not-a-key", "photo": jpeg()}).status_code == 400
    )


# ---- The outbox: reports ----


def test_filed_report_answers_with_its_code_confirmation_and_private_link(client, report_fields):
    photo_key = send_photo(client, jpeg()).json()["key"]
    answer = client.post(OUTBOX_REPORT, {**report_fields, "photo_keys": [photo_key]})
    assert answer.status_code == 200
    report = Report.objects.get()
    assert report.client_key == uuid.UUID(KEY)
    assert [photo.key for photo in report.photos.all()] == [photo_key]
    assert answer.json() == {
        "outcome": "filed",
        "tracking_code": report.tracking_code,
        "confirmation_url": f"/reports/{report.tracking_code}/submitted/",
        "private_url": f"http://testserver{private_report_url(report)}",
    }
    confirmation = client.get(answer.json()["confirmation_url"])
    assert confirmation.status_code == 200
    assert report.tracking_code in confirmation.content.decode()


def test_the_same_report_sent_again_gets_the_same_answer(client, report_fields, settings):
    first = client.post(OUTBOX_REPORT, report_fields)
    # The answer was lost; the device tries again, even past the rate limit and from a browser
    # whose cookies never arrived.
    settings.REPORT_SUBMIT_RATE = "0/10m"
    again = client.post(OUTBOX_REPORT, report_fields)
    elsewhere = Client().post(OUTBOX_REPORT, report_fields)
    assert first.status_code == again.status_code == elsewhere.status_code == 200
    assert first.json() == again.json() == elsewhere.json()
    assert Report.objects.count() == 1


def test_photos_staged_before_the_session_changed_are_still_attached(client, report_fields):
    photo_key = send_photo(Client(), jpeg()).json()["key"]
    answer = client.post(OUTBOX_REPORT, {**report_fields, "photo_keys": [photo_key]})
    assert answer.status_code == 200
    assert Report.objects.get().photos.get().key == photo_key


def test_another_reports_photos_cannot_be_claimed(client, report_fields):
    other_key = send_photo(client, jpeg(), key=str(uuid.uuid4())).json()["key"]
    answer = client.post(OUTBOX_REPORT, {**report_fields, "photo_keys": [other_key]})
    assert answer.status_code == 200
    assert Report.objects.get().photos.count() == 0
    assert Photo.objects.get(key=other_key).report is None


def test_a_report_to_correct_is_refused_with_readable_errors(client, report_fields):
    answer = client.post(OUTBOX_REPORT, {**report_fields, "title": "Sạt", "reporter_phone": ""})
    assert answer.status_code == 400
    assert answer.json() == {
        "outcome": "invalid",
        "errors": [
            "Tiêu đề ngắn: Giá trị này phải có ít nhất 5 kí tự (hiện có 3)",
            "Email: Nhập email hoặc số điện thoại để chúng tôi báo cho bạn kết quả xử lý.",
        ],
    }
    assert Report.objects.count() == 0


def test_nearby_reports_are_offered_unless_already_checked(client, report_fields):
    nearby = submit_report(
        category=Category.objects.get(code="EROSION"),
        commune=Commune.objects.get(name="Xã Đất Mũi"),
        latitude=float(report_fields["latitude"]),
        longitude=float(report_fields["longitude"]),
    )
    Report.objects.filter(pk=nearby.pk).update(
        status=Report.Status.ACCEPTED, published_at=nearby.submitted_at
    )
    offered = client.post(OUTBOX_REPORT, report_fields)
    assert offered.status_code == 409
    assert offered.json()["outcome"] == "nearby"
    filed = client.post(OUTBOX_REPORT, {**report_fields, "nearby_checked": "True"})
    assert filed.status_code == 200
    assert Report.objects.count() == 2


def test_rate_limit_asks_to_wait(client, report_fields, settings):
    settings.REPORT_SUBMIT_RATE = "0/10m"
    answer = client.post(OUTBOX_REPORT, report_fields)
    assert answer.status_code == 429
    assert answer.json()["outcome"] == "rate_limited"
    assert Report.objects.count() == 0


def test_a_client_over_the_rate_gets_no_photo_looked_at_or_stored(client, settings, monkeypatch):
    settings.REPORT_SUBMIT_RATE = "0/10m"
    inspected = []
    monkeypatch.setattr(photos, "inspect_upload", lambda upload: inspected.append(upload))

    answer = send_photo(client, jpeg())

    assert answer.status_code == 429
    assert "nhiều phản ánh trong thời gian ngắn" in answer.json()["errors"][0]
    assert inspected == [] and not Photo.objects.exists()


def test_photo_uploads_per_client_are_limited_too(client, settings):
    settings.PHOTO_UPLOAD_RATE = "2/h"
    answers = [send_photo(client, jpeg(colour=(10 * n, 90, 160))) for n in range(3)]

    assert [answer.status_code for answer in answers] == [201, 201, 429]
    assert "nhiều ảnh trong thời gian ngắn" in answers[2].json()["errors"][0]
    assert Photo.objects.count() == 2


def test_a_form_post_past_the_photo_rate_keeps_what_it_staged_and_says_why(
    client, report_fields, settings
):
    settings.PHOTO_UPLOAD_RATE = "2/h"
    fields = {key: value for key, value in report_fields.items() if key != "client_key"}
    fields["title"] = ""  # the post fails anyway: its photos are kept for the next attempt
    fields["photos"] = [jpeg(colour=(10 * n, 90, 160), name=f"{n}.jpg") for n in range(3)]

    answer = client.post(reverse("reports:new"), fields)

    assert answer.status_code == 400
    assert "nhiều ảnh trong thời gian ngắn" in answer.content.decode()
    assert Photo.objects.count() == 2


def test_a_report_needs_its_client_key(client, report_fields):
    answer = client.post(OUTBOX_REPORT, {**report_fields, "client_key": ""})
    assert answer.status_code == 400
    assert Report.objects.count() == 0


def test_the_outbox_is_protected_against_cross_site_posts(report_fields):
    guarded = Client(enforce_csrf_checks=True)
    assert guarded.post(OUTBOX_REPORT, report_fields).status_code == 403
    token = guarded.get(reverse("reports:new")).cookies["csrftoken"].value
    answer = guarded.post(OUTBOX_REPORT, report_fields, headers={"X-CSRFToken": token})
    assert answer.status_code == 200


# ---- The form page and its client key ----


def test_form_carries_an_empty_client_key_and_the_translated_outbox(client, catalogue):
    html = client.get(reverse("reports:new")).content.decode()
    assert '<input type="hidden" name="client_key" id="id_client_key">' in html
    assert 'data-msg-waiting-one="%(count)s phản ánh đang chờ gửi."' in html
    assert f'data-report-url="{OUTBOX_REPORT}"' in html
    assert 'data-worker-url="/sw.js"' in html and 'data-worker-scope="/reports/new/"' in html
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert "<script>" not in html and not re.search(r"\son[a-z]+=", html)


def test_form_posted_again_under_a_filed_key_shows_its_confirmation(client, report_fields):
    first = client.post(reverse("reports:new"), {**report_fields, "photos": [jpeg()]})
    report = Report.objects.get()
    assert first["Location"] == f"/reports/{report.tracking_code}/submitted/"
    # The browser shows an error page instead of the answer; the reporter sends the page again.
    again = client.post(reverse("reports:new"), {**report_fields, "photos": [jpeg()]})
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert Report.objects.count() == 1 and Photo.objects.count() == 1


def test_form_keeps_its_key_and_reuses_a_photo_uploaded_again(client, report_fields):
    photo_bytes = jpeg().read()
    refused = client.post(
        reverse("reports:new"),
        {**report_fields, "title": "", "photos": [SimpleUploadedFile("a.jpg", photo_bytes)]},
    )
    assert refused.status_code == 400
    assert f'name="client_key" value="{KEY}"' in refused.content.decode()
    assert Photo.objects.get().staged_by == OWNER
    # The corrected form, with the photo chosen again instead of the one kept.
    filed = client.post(
        reverse("reports:new"),
        {**report_fields, "photos": [SimpleUploadedFile("a.jpg", photo_bytes)]},
    )
    assert filed.status_code == 302
    assert Photo.objects.count() == 1 and Report.objects.get().photos.count() == 1


def test_form_without_a_client_key_works_as_before(client, report_fields):
    response = client.post(reverse("reports:new"), {**report_fields, "client_key": ""})
    assert response.status_code == 302
    assert Report.objects.get().client_key is None


# ---- The service worker ----


def worker_settings(body: str) -> dict:
    match = re.match(r"self\.CAMAU_OFFLINE = (\{.*\});\nimportScripts\((.*)\);\n$", body)
    assert match, body
    config = json.loads(match.group(1))
    config["scripts"] = json.loads(f"[{match.group(2)}]")
    return config


def test_worker_is_served_from_the_root_and_always_revalidated(client, catalogue):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Cache-Control"] == "no-cache"
    unchanged = client.get("/sw.js", headers={"If-None-Match": response["ETag"]})
    assert unchanged.status_code == 304
    config = worker_settings(response.content.decode())
    assert config["scripts"] == ["/static/js/outbox.js", "/static/js/service-worker.js"]
    assert config["formUrl"] == "/reports/new/"
    assert config["outbox"] == {"report": OUTBOX_REPORT, "photo": OUTBOX_PHOTO}


def test_worker_keeps_every_file_the_form_page_loads(client, catalogue):
    config = worker_settings(client.get("/sw.js").content.decode())
    page_assets = set(measure_page("/reports/new/", client=client).assets)
    assert page_assets <= set(config["precache"])
    assert "/static/vendor/leaflet/images/marker-icon.png" in config["precache"]


def test_worker_version_follows_the_content_of_kept_files(monkeypatch, tmp_path):
    script = tmp_path / "photos.js"
    found = finders.find

    def find(name):
        return str(script) if name == "js/photos.js" else found(name)

    monkeypatch.setattr(offline.finders, "find", find)
    script.write_text("/* one */")
    before = offline.worker_version()
    assert offline.worker_version() == before
    script.write_text("/* two */")
    assert offline.worker_version() != before


def test_with_hashed_static_names_the_worker_keeps_what_the_page_loads(
    client, catalogue, settings, tmp_path
):
    """Production: WhiteNoise's manifest storage gives every file a name with its hash."""
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **django_settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    config = worker_settings(client.get("/sw.js").content.decode())
    for url in config["precache"] + config["scripts"]:
        assert re.search(r"\.[0-9a-f]{12}\.(js|css|png|svg|woff2)$", url), url
        assert (settings.STATIC_ROOT / url.removeprefix("/static/")).is_file(), url
    html = client.get(reverse("reports:new")).content.decode()
    page_assets = set(re.findall(r'(?:href|src)="(/static/[^"]+)"', html))
    assert page_assets and page_assets <= set(config["precache"])


# ---- The web app manifest ----


def test_manifest_names_the_app_in_vietnamese_and_opens_the_form(client, catalogue):
    client.cookies["django_language"] = "en"
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = response.json()
    assert manifest["name"] == "Phản ánh hiện trường Cà Mau"
    assert manifest["short_name"] == "Phản ánh Cà Mau"
    assert manifest["lang"] == "vi"
    assert manifest["start_url"] == "/reports/new/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#004d48"
    assert [(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]] == [
        ("192x192", "any"),
        ("512x512", "any"),
        ("512x512", "maskable"),
    ]


def test_manifest_icons_exist_at_their_sizes(client, catalogue):
    for icon in client.get("/manifest.webmanifest").json()["icons"]:
        path = finders.find(icon["src"].removeprefix("/static/"))
        with Image.open(path) as image:
            assert f"{image.width}x{image.height}" == icon["sizes"]
            assert image.format == "PNG"
            corner = image.convert("RGBA").getpixel((0, 0))
            # A maskable icon fills its square; the others have rounded, transparent corners.
            assert corner[3] == (255 if icon["purpose"] == "maskable" else 0)


def test_manifest_is_linked_from_citizen_pages_only(client, catalogue):
    link = '<link rel="manifest"'
    assert link in client.get("/").content.decode()
    assert link in client.get(reverse("reports:track")).content.decode()
    assert link not in client.get(reverse("staff:login")).content.decode()
