"""The odd inputs that once answered 500: each now gets a clear 400 and loses nothing."""

import csv
import io
import json
from xml.etree import ElementTree

import pytest
from django.urls import reverse

from reports.models import ApiKey, Photo, Report
from services.models import Category, Commune
from tests.factories import jpeg_upload
from tests.public_fixtures import public_report
from tests.reports.conftest import staff  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

REFUSED_VI = "ký tự không dùng được"
REFUSED_EN = "a character that cannot be used"


@pytest.fixture
def report(catalogue):
    return public_report()


@pytest.mark.parametrize(
    "url",
    [
        "/reports/?after=%00",
        "/reports/?before=%00",
        "/reports/?category=%00",
        "/reports/export.csv?commune=%00",
        "/map/reports/%00.json",
        "/map/data.json?bbox=%00",
        "/unsubscribe/%00/",
        "/track/?code=%00",
        "/reports/%00/",
        "/?%00=1",
    ],
)
def test_nul_in_the_address_gets_the_portals_400_page(client, report, url):
    response = client.get(url)
    assert response.status_code == 400
    html = response.content.decode()
    assert REFUSED_VI in html
    assert "<nav" in html  # the portal's own page, with its navigation


def test_the_400_page_speaks_english_to_english_readers(client, report):
    client.cookies["django_language"] = "en"
    response = client.get("/reports/?after=%00")
    assert response.status_code == 400
    assert REFUSED_EN in response.content.decode()


def test_nul_in_the_staff_list_cursor(client, staff):  # noqa: F811
    client.force_login(staff.intake)
    for query in ("cursor=%00", "after=%00", "before=%00", "q=%00"):
        assert client.get(f"/staff/?{query}").status_code == 400


@pytest.mark.parametrize("sort", ["newest", "oldest", "updated", "deadline"])
def test_a_hand_made_staff_cursor_gives_the_first_page(client, staff, sort):  # noqa: F811
    from reports.pagination import Cursor, Position, encode_cursor

    client.force_login(staff.intake)
    for cursor in (
        encode_cursor(Cursor(Position(None, 10**30))),
        encode_cursor(Cursor(Position(None, -5), backwards=True)),
        "n" + "A" * 50,
    ):
        response = client.get("/staff/", {"queue": "all", "sort": sort, "cursor": cursor})
        assert response.status_code == 200


@pytest.mark.parametrize(
    "query",
    ["service_code=%00", "service_request_id=%00", "status=open%00"],
)
def test_nul_in_open311_parameters_gets_the_apis_error_format(client, report, query):
    response = client.get(f"/open311/v2/requests.json?{query}")
    assert response.status_code == 400
    [error] = response.json()
    assert error["code"] == 400 and REFUSED_VI in error["description"]

    response = client.get(f"/open311/v2/requests.xml?{query}")
    assert response.status_code == 400
    root = ElementTree.fromstring(response.content)
    assert root.tag == "errors" and root.find("error/code").text == "400"


@pytest.mark.parametrize(
    ("query", "description"),
    [
        ("start_date=9999-99-99", "start_date is not a real date and time"),
        ("end_date=2026-02-30T10:00:00Z", "end_date is not a real date and time"),
        ("start_date=0001-01-01", "start_date must be between the years 1900 and 2999"),
        ("updated_after=9999-12-31T23:59:59Z", "updated_after must be between the years"),
        ("page=99999999999999999999", "page may be at most 100000"),
        ("page=" + "9" * 5000, "page must be a whole number"),
        ("page_size=1e3", "page_size must be a whole number"),
    ],
)
def test_open311_refuses_impossible_dates_and_numbers(client, report, query, description):
    response = client.get(f"/open311/v2/requests.json?{query}")
    assert response.status_code == 400
    assert description in response.json()[0]["description"]


def test_open311_updates_refuse_huge_pages(client, report):
    response = client.get("/open311/v2/servicerequestupdates.json?page=99999999999999999999")
    assert response.status_code == 400
    assert response.json() == [{"code": 400, "description": "page may be at most 100000"}]


@pytest.fixture
def open311_key(catalogue):
    _api_key, raw = ApiKey.objects.issue(name="Test client")
    return raw


@pytest.mark.parametrize(
    ("lat", "long", "description"),
    [
        ("inf", "105.15", "lat must be a number between -90 and 90"),
        ("1e999", "105.15", "lat must be a number between -90 and 90"),
        ("nan", "105.15", "lat must be a number between -90 and 90"),
        ("9.17", "-inf", "long must be a number between -180 and 180"),
        ("91", "105.15", "lat must be a number between -90 and 90"),
    ],
)
def test_open311_create_refuses_infinite_coordinates(client, open311_key, lat, long, description):
    response = client.post(
        "/open311/v2/requests.json",
        {
            "api_key": open311_key,
            "service_code": "ROAD_DAMAGE",
            "lat": lat,
            "long": long,
            "description": "Ổ gà lớn giữa đường, xe máy dễ té.",
        },
    )
    assert response.status_code == 400
    assert response.json() == [{"code": 400, "description": description}]
    assert Report.objects.count() == 0


def test_open311_create_refuses_nul_in_the_body(client, open311_key):
    response = client.post(
        "/open311/v2/requests.json",
        {"api_key": open311_key, "service_code": "ROAD\x00", "lat": "9.17", "long": "105.15"},
    )
    assert response.status_code == 400
    assert REFUSED_VI in response.json()[0]["description"]


# --- The report form keeps everything ----------------------------------------------------


@pytest.fixture
def form_data(catalogue):
    commune = Commune.objects.get(name="Phường An Xuyên")
    return {
        "category": Category.objects.get(code="STREETLIGHT").pk,
        "title": "Đèn đường không sáng",
        "description": "Ba bóng đèn trên đường Lý Thường Kiệt tắt từ tuần trước.",
        "commune": commune.pk,
        "latitude": f"{commune.latitude + 0.002:.6f}",
        "longitude": f"{commune.longitude + 0.002:.6f}",
        "reporter_email": "cuong@example.vn",
        "name_hidden": "on",
    }


@pytest.mark.parametrize("field", ["photo_keys", "remove_photo"])
def test_nul_photo_keys_are_refused_and_the_form_is_kept(client, form_data, field):
    response = client.post(reverse("reports:new"), {**form_data, field: "ab\x00cd"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Một ảnh giữ lại từ lần gửi trước không đọc được" in html
    assert "Ba bóng đèn trên đường Lý Thường Kiệt tắt từ tuần trước." in html
    assert Report.objects.count() == 0


def test_nul_in_a_text_field_is_an_error_next_to_it(client, form_data):
    response = client.post(reverse("reports:new"), {**form_data, "title": "Đèn\x00 hỏng"})
    assert response.status_code == 400
    assert Report.objects.count() == 0
    assert "Ba bóng đèn trên đường Lý Thường Kiệt" in response.content.decode()


@pytest.mark.parametrize(
    "title",
    [
        "\u200b\u200b\u200b\u200b\u200b\u200b",
        "\u200b \u2060\ufeff\u3164\u200d\u200c",
        "  \u200b.\u200b ",
    ],
)
def test_blank_looking_title_is_refused_with_a_translated_error(client, form_data, title):
    client.cookies["django_language"] = "en"
    response = client.post(reverse("reports:new"), {**form_data, "title": title})
    assert response.status_code == 400
    html = response.content.decode()
    assert "This looks blank" in html
    assert "Ba bóng đèn trên đường Lý Thường Kiệt" in html
    assert Report.objects.count() == 0


def test_blank_looking_title_in_vietnamese(client, form_data):
    response = client.post(reverse("reports:new"), {**form_data, "title": "\u200b" * 8})
    assert response.status_code == 400
    assert "Có vẻ như để trống" in response.content.decode()


def test_a_real_title_with_a_zero_width_joiner_is_fine(client, form_data):
    response = client.post(reverse("reports:new"), {**form_data, "title": "Đèn\u200d hỏng"})
    assert response.status_code == 302


def test_a_refused_photo_is_named_once(client, form_data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("hong.jpg", b"not an image at all", content_type="image/jpeg")
    response = client.post(reverse("reports:new"), {**form_data, "photos": [fake]})
    assert response.status_code == 400
    html = response.content.decode()
    assert html.count("hong.jpg") == 1
    assert Photo.objects.count() == 0


def test_a_kept_photo_survives_a_bad_key_next_to_it(client, form_data):
    response = client.post(
        reverse("reports:new"), {**form_data, "title": "", "photos": [jpeg_upload()]}
    )
    assert response.status_code == 400
    key = Photo.objects.get().key
    response = client.post(reverse("reports:new"), {**form_data, "photo_keys": [key]})
    assert response.status_code == 302
    assert Report.objects.get().photos.count() == 1


# --- Staff bulk codes --------------------------------------------------------------------


def test_bulk_codes_that_are_not_tracking_codes_are_refused(client, staff):  # noqa: F811
    client.force_login(staff.intake)
    response = client.post(
        reverse("staff:bulk"), {"action": "accept", "codes": ["CM-\x00"]}, follow=True
    )
    assert response.status_code == 200
    assert "Chỉ chọn được mã tra cứu" in response.content.decode()


@pytest.mark.parametrize(
    "next_url", ["-31249171015179", "staff:reports", "/staff/\x00", "//evil.example/"]
)
def test_a_next_that_is_not_a_local_path_goes_back_to_the_list(
    client,
    staff,  # noqa: F811
    next_url,
):
    client.force_login(staff.intake)
    response = client.post(reverse("staff:bulk"), {"action": "accept", "next": next_url})
    assert response.status_code == 302 and response["Location"] == reverse("staff:reports")
    response = client.get(
        reverse("staff:login"), {"next": next_url} if "\x00" not in next_url else {}
    )
    assert response.status_code == 302 and response["Location"] == reverse("staff:reports")


# --- CSV exports -------------------------------------------------------------------------


def _csv_rows(response) -> list[dict]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


@pytest.mark.parametrize(
    ("title", "cell"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+84 912 345 678 gọi", "'+84 912 345 678 gọi"),
        ("-1 ổ gà", "'-1 ổ gà"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("Ổ gà = nguy hiểm", "Ổ gà = nguy hiểm"),
    ],
)
def test_public_csv_cells_never_run_as_formulas(client, catalogue, title, cell):
    report = public_report()
    Report.objects.filter(pk=report.pk).update(title=title, address="=1+1")
    [row] = _csv_rows(client.get(reverse("public:export_csv")))
    assert row["title"] == cell
    assert row["address"] == "'=1+1"
    assert float(row["latitude"]) == pytest.approx(report.latitude)  # numbers stay numbers


def test_geojson_is_not_touched(client, catalogue):
    report = public_report()
    Report.objects.filter(pk=report.pk).update(title="=1+1")
    response = client.get(reverse("public:export_geojson"))
    data = json.loads(b"".join(response.streaming_content))
    assert data["features"][0]["properties"]["title"] == "=1+1"
