"""POST requests: authentication, rate limit, validation, and the same workflow as the web."""

import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.core.files.storage import storages
from django.core.management import call_command
from django.urls import reverse

from camau_portal.notifications.models import OutboundEmail
from reports.models import ApiKey, Photo, Report, ReportEvent
from reports.open311.media import MediaError
from services.models import Commune
from tests.factories import jpeg_upload

pytestmark = pytest.mark.django_db

URL = "/open311/v2/requests.json"


@pytest.fixture
def key(catalogue):
    _api_key, raw = ApiKey.objects.issue(name="Zalo mini app", requests_per_hour=5)
    return raw


@pytest.fixture
def an_xuyen(catalogue):
    return Commune.objects.get(name="Phường An Xuyên")


def valid(key, commune, **overrides):
    data = {
        "api_key": key,
        "service_code": "ROAD_DAMAGE",
        "lat": f"{commune.latitude:.6f}",
        "long": f"{commune.longitude:.6f}",
        "description": "Ổ gà lớn giữa đường, xe máy dễ té ngã vào ban đêm.",
        "first_name": "Bình",
        "last_name": "Trần",
        "email": "binh.tran@example.vn",
        "phone": "0912345678",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def errors(response, status):
    assert response.status_code == status, response.content
    return [e["description"] for e in response.json()]


def test_creates_a_report_in_the_normal_workflow(client, key, an_xuyen):
    response = client.post(URL, valid(key, an_xuyen))
    assert response.status_code == 201
    (created,) = response.json()
    assert set(created) == {"service_request_id", "service_notice", "account_id"}
    report = Report.objects.get(tracking_code=created["service_request_id"])
    assert report.status == Report.Status.SUBMITTED
    assert report.source == Report.Source.API
    assert report.commune == an_xuyen
    assert report.category.code == "ROAD_DAMAGE"
    assert report.reporter_name == "Bình Trần" and report.reporter_email == "binh.tran@example.vn"
    assert report.name_hidden and not report.contact_allowed
    assert report.title == "Ổ gà lớn giữa đường, xe máy dễ té ngã vào ban đêm."
    assert report.intake_due_at is not None
    assert ReportEvent.objects.filter(report=report, kind=ReportEvent.Kind.SUBMITTED).exists()
    # The same acknowledgement as from the web form.
    assert OutboundEmail.objects.get(report_id=report.pk).recipient == "binh.tran@example.vn"
    # Found by its id with minimal fields; never in lists before intake.
    (record,) = client.get(f"/open311/v2/requests/{report.tracking_code}.json").json()
    assert record["status"] == "open" and "description" not in record
    listed = client.get("/open311/v2/requests.json").json()
    assert report.tracking_code not in [r["service_request_id"] for r in listed]


def test_xml_response(client, key, an_xuyen):
    response = client.post("/open311/v2/requests.xml", valid(key, an_xuyen))
    assert response.status_code == 201
    root = ET.fromstring(response.content)
    assert root.tag == "service_requests"
    assert root.find("request/service_request_id").text.startswith("CM-")
    assert root.find("request/account_id").text is None


def test_contact_details_are_optional(client, key, an_xuyen):
    response = client.post(URL, valid(key, an_xuyen, email=None, phone=None, first_name=None))
    assert response.status_code == 201


@pytest.mark.parametrize("given", [None, "", "c311_wrong", "short"])
def test_a_valid_key_is_required(client, an_xuyen, given):
    response = client.post(URL, valid(given, an_xuyen))
    assert errors(response, 403) == ["Invalid api_key"]
    assert not Report.objects.exists()


def test_revoked_key_is_refused(client, key, an_xuyen):
    ApiKey.objects.update(is_active=False)
    assert errors(client.post(URL, valid(key, an_xuyen)), 403) == ["Invalid api_key"]


def test_each_key_is_rate_limited(client, key, an_xuyen):
    for _ in range(5):
        assert client.post(URL, valid(key, an_xuyen)).status_code == 201
    response = client.post(URL, valid(key, an_xuyen))
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    other, other_raw = ApiKey.objects.issue(name="Another partner")
    assert client.post(URL, valid(other_raw, an_xuyen)).status_code == 201


def test_point_outside_the_province_is_a_400(client, key, an_xuyen):
    messages = errors(client.post(URL, valid(key, an_xuyen, lat="10.7769", long="106.7009")), 400)
    assert len(messages) == 1 and messages[0].startswith("lat: ")
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    "overrides, status, expected",
    [
        ({"service_code": None}, 400, "service_code is required"),
        ({"service_code": "NOPE"}, 404, "service_code NOPE not found"),
        ({"lat": None, "long": None}, 400, "a location is required"),
        ({"long": None}, 400, "lat and long must be given together"),
        ({"lat": "north"}, 400, "lat must be a number"),
        ({"description": "ngắn"}, 400, "description: "),
        ({"email": "not-an-email"}, 400, "email: "),
    ],
)
def test_bad_input(client, key, an_xuyen, overrides, status, expected):
    messages = errors(client.post(URL, valid(key, an_xuyen, **overrides)), status)
    assert any(expected in message for message in messages), messages


def test_address_string_names_the_commune(client, key, an_xuyen):
    data = valid(
        key, an_xuyen, lat=None, long=None, address_string="12 Lý Thường Kiệt, Phuong An Xuyen"
    )
    response = client.post(URL, data)
    assert response.status_code == 201
    report = Report.objects.get()
    assert report.commune == an_xuyen
    assert report.latitude is None
    assert report.address == "12 Lý Thường Kiệt, Phuong An Xuyen"
    data = valid(key, an_xuyen, lat=None, long=None, address_string="somewhere")
    assert "address_string must name a commune" in errors(client.post(URL, data), 400)[0]


def test_attributes_are_checked_and_kept_in_the_description(client, key, an_xuyen):
    data = valid(key, an_xuyen, service_code="FLOODING")
    assert errors(client.post(URL, data), 400) == [
        "attribute[water_depth] is required for this service"
    ]
    data["attribute[water_depth]"] = "swimming"
    assert "must be one of the listed values" in errors(client.post(URL, data), 400)[0]
    data["attribute[water_depth]"] = "knee"
    response = client.post(URL, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 201
    report = Report.objects.get()
    assert report.description.endswith("How deep is the water? Up to the knee")


def test_photos_as_multipart_media(client, key, an_xuyen):
    data = valid(key, an_xuyen)
    data["media"] = [jpeg_upload("a.jpg"), jpeg_upload("b.jpg", colour=(10, 200, 10))]
    response = client.post(URL, data)
    assert response.status_code == 201
    report = Report.objects.get()
    photos = list(Photo.objects.filter(report=report).order_by("position"))
    assert len(photos) == 2
    assert all(p.staged_by == "" for p in photos)


def original_files() -> list:
    root = Path(storages["photo_originals"].location)
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def test_a_refused_request_leaves_none_of_its_photos(
    client, key, an_xuyen, django_capture_on_commit_callbacks
):
    before = original_files()
    outside = valid(key, an_xuyen, lat="10.7769", long="106.7009")  # Hồ Chí Minh City
    outside["media"] = [jpeg_upload("a.jpg"), jpeg_upload("b.jpg", colour=(10, 200, 10))]
    with django_capture_on_commit_callbacks(execute=True):
        messages = errors(client.post(URL, outside), 400)
    assert messages[0].startswith("lat: ")
    assert not Photo.objects.exists() and original_files() == before

    # A second file refused: the first one, already staged, goes too.
    second_bad = valid(key, an_xuyen)
    text = io.BytesIO(b"not an image at all")
    text.name = "notes.jpg"
    second_bad["media"] = [jpeg_upload("a.jpg"), text]
    with django_capture_on_commit_callbacks(execute=True):
        assert errors(client.post(URL, second_bad), 400)[0].startswith("media: ")
    assert not Photo.objects.exists() and original_files() == before
    assert not Report.objects.exists()


def test_a_file_that_is_not_an_image_is_a_400(client, key, an_xuyen):
    data = valid(key, an_xuyen)
    data["media"] = io.BytesIO(b"not an image at all")
    data["media"].name = "x.jpg"
    messages = errors(client.post(URL, data), 400)
    assert messages[0].startswith("media: ")
    assert not Report.objects.exists()


def test_a_media_url_that_is_no_web_address_is_a_400(client, key, an_xuyen):
    data = valid(key, an_xuyen, media_url="ftp://example.org/pothole.jpg")
    assert errors(client.post(URL, data), 400) == ["media_url must be an http or https address"]
    assert not Report.objects.exists()


def test_media_url_refuses_private_addresses():
    from reports.open311.media import fetch_media

    for url in ("ftp://example.org/a.jpg", "http://127.0.0.1/a.jpg", "http://169.254.169.254/x"):
        with pytest.raises(MediaError):
            fetch_media(url)


def test_get_and_post_only(client, catalogue):
    assert client.put(URL).status_code == 405


def test_command_issues_a_working_key(capsys, catalogue):
    call_command("open311_apikey", "Partner system", "--per-hour", "7")
    raw = capsys.readouterr().out.strip()
    api_key = ApiKey.objects.get()
    assert ApiKey.objects.authenticate(raw) == api_key
    assert api_key.requests_per_hour == 7
    assert raw not in (api_key.hashed_key, api_key.prefix)


def test_admin_issues_a_key_and_shows_it_once(admin_client, catalogue):
    response = admin_client.post(
        reverse("admin:reports_apikey_add"),
        {"name": "Hue-S bridge", "contact_email": "", "requests_per_hour": 50, "is_active": "on"},
        follow=True,
    )
    assert response.status_code == 200
    text = response.content.decode()
    raw = text.split("c311_", 1)[1].split(".", 1)[0]
    assert ApiKey.objects.authenticate("c311_" + raw) == ApiKey.objects.get(name="Hue-S bridge")
