"""Conformance of the read side of Open311 GeoReport v2 (and the updates extension)."""

import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import StaffMembership
from reports.handling import actions
from reports.models import Report, ReportEvent
from reports.open311.formats import w3c_datetime
from services.models import Department
from tests.factories import StaffFactory, membership, submit_report
from tests.public_fixtures import S, at, public_report

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"
W3C = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")
PERSONAL = ("Trần Thị Bình", "binh.tran@example.vn", "0912 345 678", "0912345678")
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]


def xml(response) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    text = response.content.decode()
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response.content)


def event(report, *, kind, minutes_ago, message="", to_status=""):
    return ReportEvent.objects.create(
        report=report,
        kind=kind,
        created_at=timezone.now() - timedelta(minutes=minutes_ago),
        is_public=True,
        public_message=message,
        to_status=to_status,
    )


@pytest.fixture
def world(catalogue):
    """Public reports of several kinds, one awaiting intake, one hidden, one refused."""
    accepted = public_report(
        department="SXD",
        address="Trước chợ Cà Mau",
        resolution_due_at=at("2030-01-07 17:00:00.250000"),
    )
    event(accepted, kind=ReportEvent.Kind.ACCEPTED, minutes_ago=20, to_status=S.ACCEPTED)
    event(
        accepted,
        kind=ReportEvent.Kind.PUBLIC_UPDATE,
        minutes_ago=10,
        message="Đội công trình sẽ đến trong tuần.",
    )
    event(accepted, kind=ReportEvent.Kind.NOTE, minutes_ago=5)  # not public
    ReportEvent.objects.filter(report=accepted, kind=ReportEvent.Kind.NOTE).update(
        is_public=False, internal_note="Gọi cho người báo"
    )
    resolved = public_report(category="STREETLIGHT", status=S.RESOLVED, resolved_at=timezone.now())
    event(
        resolved,
        kind=ReportEvent.Kind.RESOLVED,
        minutes_ago=3,
        message="Đã thay bóng đèn.",
        to_status=S.RESOLVED,
    )
    old = public_report(submitted_at=timezone.now() - timedelta(days=120))
    waiting = public_report(published=False)
    hidden = public_report(is_hidden=True)
    refused = public_report(
        published=False, status=S.REJECTED, public_reason="Không thuộc thẩm quyền của tỉnh."
    )
    return {
        "accepted": accepted,
        "resolved": resolved,
        "old": old,
        "waiting": waiting,
        "hidden": hidden,
        "refused": refused,
    }


def test_discovery_in_both_formats(client, catalogue):
    data = client.get(f"{BASE}/discovery.json").json()
    assert W3C.match(data["changeset"])
    endpoint = data["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    root = xml(client.get(f"{BASE}/discovery.xml"))
    assert root.tag == "discovery"
    assert [f.text for f in root.find("endpoints/endpoint/formats")] == [
        "text/xml",
        "application/json",
    ]


def test_services_list_roots_are_arrays(client, catalogue):
    services = client.get(f"{BASE}/services.json").json()
    assert isinstance(services, list) and len(services) == 22
    streetlight = next(s for s in services if s["service_code"] == "STREETLIGHT")
    assert streetlight["metadata"] is True
    assert streetlight["type"] == "realtime"
    assert streetlight["service_name"] == "Đèn đường hư hỏng"
    assert streetlight["group"] == "Điện – chiếu sáng"
    assert next(s for s in services if s["service_code"] == "NOISE")["metadata"] is False
    root = xml(client.get(f"{BASE}/services.xml"))
    assert root.tag == "services"
    assert {child.tag for child in root} == {"service"}
    first = root.find("service")
    assert [c.tag for c in first] == [
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    ]
    assert first.find("metadata").text in ("true", "false")


def test_services_in_english(client, catalogue):
    services = client.get(f"{BASE}/services.json", HTTP_ACCEPT_LANGUAGE="en").json()
    assert any(s["service_name"] == "Broken streetlight" for s in services)


def test_service_definition_with_attributes(client, catalogue):
    definition = client.get(f"{BASE}/services/FLOODING.json").json()
    assert definition["service_code"] == "FLOODING"
    (attribute,) = definition["attributes"]
    assert attribute["code"] == "water_depth"
    assert attribute["variable"] is True and attribute["required"] is True
    assert attribute["datatype"] == "singlevaluelist"
    assert attribute["order"] == 1
    assert [v["key"] for v in attribute["values"]] == ["ankle", "knee", "above_knee"]
    root = xml(client.get(f"{BASE}/services/FLOODING.xml"))
    assert root.tag == "service_definition"
    values = root.findall("attributes/attribute/values/value")
    assert [v.find("key").text for v in values] == ["ankle", "knee", "above_knee"]
    assert client.get(f"{BASE}/services/NOISE.json").json()["attributes"] == []


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_is_a_404_error_array(client, catalogue, fmt):
    response = client.get(f"{BASE}/services/NOPE.{fmt}")
    assert response.status_code == 404
    if fmt == "json":
        assert response.json() == [{"code": 404, "description": "service_code NOPE not found"}]
    else:
        root = xml(response)
        assert root.tag == "errors"
        assert root.find("error/code").text == "404"


def test_requests_list_shape_and_privacy(client, world):
    response = client.get(f"{BASE}/requests.json")
    assert response.status_code == 200
    records = response.json()
    ids = [r["service_request_id"] for r in records]
    # Newest first; only public reports of the last 90 days.
    assert ids == [world["resolved"].tracking_code, world["accepted"].tracking_code]
    for record in records:
        assert list(record) == REQUEST_FIELDS
        assert isinstance(record["service_request_id"], str)
        for name in ("requested_datetime", "updated_datetime"):
            assert W3C.match(record[name]), record[name]
    accepted = records[1]
    report = world["accepted"]
    assert accepted["status"] == "open"
    assert accepted["status_notes"] == "Đội công trình sẽ đến trong tuần."
    assert accepted["agency_responsible"] == "Sở Xây dựng"
    # The deadline in local time with its zone, without the fraction of a second.
    assert accepted["expected_datetime"] == "2030-01-07T17:00:00+07:00"
    assert accepted["lat"] == report.latitude and accepted["long"] == report.longitude
    assert accepted["address"] == "Trước chợ Cà Mau"
    assert accepted["description"] == report.description
    assert records[0]["status"] == "closed"  # fixed counts as closed in Open311
    text = response.content.decode()
    for private in (*PERSONAL, "Gọi cho người báo"):
        assert private not in text


def test_requests_xml(client, world):
    root = xml(client.get(f"{BASE}/requests.xml"))
    assert root.tag == "service_requests"
    requests = root.findall("request")
    assert len(requests) == 2
    assert [c.tag for c in requests[0]] == REQUEST_FIELDS
    assert requests[0].find("service_notice").text is None  # empty element


def test_requests_filters(client, world):
    def ids(**params):
        return [r["service_request_id"] for r in client.get(f"{BASE}/requests.json", params).json()]

    assert ids(status="open") == [world["accepted"].tracking_code]
    assert ids(status="open,closed") == ids()
    assert ids(service_code="STREETLIGHT") == [world["resolved"].tracking_code]
    assert ids(service_code="STREETLIGHT,ROAD_DAMAGE") == ids()
    old_day = timezone.localtime(world["old"].submitted_at)
    assert ids(
        start_date=w3c_datetime(old_day - timedelta(days=1)),
        end_date=w3c_datetime(old_day + timedelta(days=1)),
    ) == [world["old"].tracking_code]
    assert ids(start_date=(old_day - timedelta(days=1)).date().isoformat()) == [
        world["old"].tracking_code
    ]
    report = world["accepted"]
    lat, lon = report.latitude, report.longitude
    box = f"{lon - 0.01},{lat - 0.01},{lon + 0.01},{lat + 0.01}"
    assert set(ids(bbox=box)) == {world["accepted"].tracking_code, world["resolved"].tracking_code}
    far = "104.8,8.6,104.9,8.7"
    assert ids(bbox=far) == []


def test_updated_after_finds_recent_public_changes_of_any_age(client, world):
    event(world["old"], kind=ReportEvent.Kind.PUBLIC_UPDATE, minutes_ago=1, message="Đang xử lý")
    since = w3c_datetime(timezone.now() - timedelta(minutes=4))
    records = client.get(f"{BASE}/requests.json", {"updated_after": since}).json()
    assert {r["service_request_id"] for r in records} == {
        world["old"].tracking_code,
        world["resolved"].tracking_code,
    }


def test_pagination(client, catalogue):
    made = [public_report() for _ in range(5)]
    newest_first = [r.tracking_code for r in reversed(made)]
    page = lambda n: [  # noqa: E731
        r["service_request_id"]
        for r in client.get(f"{BASE}/requests.json", {"page": n, "page_size": 2}).json()
    ]
    assert page(1) == newest_first[:2]
    assert page(2) == newest_first[2:4]
    assert page(3) == newest_first[4:]
    assert page(4) == []


@pytest.mark.parametrize(
    "params, message",
    [
        ({"start_date": "yesterday"}, "start_date must be a W3C datetime"),
        ({"start_date": "2026-01-01T00:00:00"}, "start_date must be a W3C datetime"),
        (
            {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
            "may not span more than 90 days",
        ),
        ({"status": "pending"}, "status must be open or closed"),
        ({"page_size": "5000"}, "page_size may be at most 1000"),
        ({"page": "0"}, "page must be at least 1"),
        ({"bbox": "1,2"}, "bbox"),
    ],
)
def test_bad_parameters_are_400_errors(client, catalogue, params, message):
    response = client.get(f"{BASE}/requests.json", params)
    assert response.status_code == 400
    (error,) = response.json()
    assert error["code"] == 400
    assert message in error["description"]


def test_request_by_id(client, world):
    report = world["accepted"]
    response = client.get(f"{BASE}/requests/{report.tracking_code}.json")
    (record,) = response.json()
    assert record["service_request_id"] == report.tracking_code
    assert list(record) == REQUEST_FIELDS
    root = xml(client.get(f"{BASE}/requests/{report.tracking_code}.xml"))
    assert root.find("request/service_request_id").text == report.tracking_code


def test_report_awaiting_intake_is_found_by_id_with_minimal_fields_only(client, world):
    waiting = world["waiting"]
    (record,) = client.get(f"{BASE}/requests/{waiting.tracking_code}.json").json()
    assert record["status"] == "open"
    assert "description" not in record and "lat" not in record and "address" not in record
    assert W3C.match(record["requested_datetime"])
    listed = client.get(f"{BASE}/requests.json").json()
    assert waiting.tracking_code not in {r["service_request_id"] for r in listed}
    by_param = client.get(
        f"{BASE}/requests.json", {"service_request_id": waiting.tracking_code}
    ).json()
    assert [r["service_request_id"] for r in by_param] == [waiting.tracking_code]


def test_refused_report_shows_its_reason(client, world):
    refused = world["refused"]
    (record,) = client.get(f"{BASE}/requests/{refused.tracking_code}.json").json()
    assert record["status"] == "closed"
    assert record["status_notes"] == "Không thuộc thẩm quyền của tỉnh."
    assert "description" not in record


def test_duplicate_points_to_the_original(client, world):
    original = world["accepted"]
    duplicate = public_report(published=False, status=S.DUPLICATE, duplicate_of=original)
    (record,) = client.get(f"{BASE}/requests/{duplicate.tracking_code}.json").json()
    assert record["status"] == "closed"
    assert record["status_notes"] == f"Trùng với phản ánh {original.tracking_code}"


@pytest.mark.parametrize("which", ["hidden", None])
def test_hidden_or_unknown_request_is_404(client, world, which):
    code = world[which].tracking_code if which else "CM-0000-0000"
    response = client.get(f"{BASE}/requests/{code}.json")
    assert response.status_code == 404
    assert response.json()[0]["code"] == 404


def test_media_url_points_to_the_photo(client, catalogue, django_capture_on_commit_callbacks):
    from reports.intake.photos import photo_process, photo_stage
    from tests.factories import jpeg_upload

    photo = photo_stage(upload=jpeg_upload(), staged_by="test").photo
    report = public_report()
    photo.report = report
    photo.save(update_fields=["report"])
    # Not processed yet: no address at all, not the original's.
    (record,) = client.get(f"{BASE}/requests/{report.tracking_code}.json").json()
    assert record["media_url"] is None
    photo_process(photo_id=photo.pk)
    photo.refresh_from_db()
    (record,) = client.get(f"{BASE}/requests/{report.tracking_code}.json").json()
    assert record["media_url"] == "http://testserver" + photo.image.url
    photo.is_hidden = True
    photo.save(update_fields=["is_hidden"])
    (record,) = client.get(f"{BASE}/requests/{report.tracking_code}.json").json()
    assert record["media_url"] is None


def test_service_request_updates(client, world):
    response = client.get(f"{BASE}/servicerequestupdates.json", {"locale": "en"})
    updates = response.json()
    # Public events of public reports, oldest first; never internal notes or hidden reports.
    # A status change without a message says what happened.
    accepted, resolved = world["accepted"].tracking_code, world["resolved"].tracking_code
    received = "Report received; the intake centre checks it within 2 working hours."
    assert [(u["service_request_id"], u["description"], u["status"]) for u in updates] == [
        (accepted, received, "open"),  # submitted
        (resolved, received, "open"),  # submitted
        (accepted, "Accepted by the intake centre.", "open"),
        (accepted, "Đội công trình sẽ đến trong tuần.", "open"),
        (resolved, "Đã thay bóng đèn.", "closed"),
    ]
    resolved = updates[-1]
    assert resolved["status"] == "closed"
    assert "external_status_code" not in resolved  # a mySociety extension, for keys asking
    assert W3C.match(resolved["updated_datetime"])
    assert isinstance(resolved["update_id"], str) and len({u["update_id"] for u in updates}) == 5
    window = {
        "start_date": w3c_datetime(timezone.now() - timedelta(minutes=15)),
        "end_date": w3c_datetime(timezone.now()),
    }
    recent = client.get(f"{BASE}/servicerequestupdates.json", window).json()
    assert len(recent) == 2
    root = xml(client.get(f"{BASE}/servicerequestupdates.xml", window))
    assert root.tag == "service_request_updates"
    assert [c.tag for c in root.find("request_update")] == [
        "update_id",
        "service_request_id",
        "status",
        "updated_datetime",
        "description",
        "media_url",
    ]
    for private in PERSONAL:
        assert private not in response.content.decode()


def test_xml_survives_control_characters_and_markup(client, catalogue):
    report = public_report(description="Ống nước <vỡ> & rò rỉ\x0b\x01 nặng")
    root = xml(client.get(f"{BASE}/requests/{report.tracking_code}.xml"))
    assert root.find("request/description").text == "Ống nước <vỡ> & rò rỉ nặng"


def test_open_to_other_sites(client, catalogue):
    response = client.get(f"{BASE}/services.json")
    assert response["Access-Control-Allow-Origin"] == "*"


def test_unknown_format_is_not_served(client, catalogue):
    assert client.get(f"{BASE}/services.html").status_code == 404


def test_report_fields_never_leak_reporter(client, world):
    Report.objects.update(reporter_name="Trần Thị Bình")
    for url in ("requests.json", "requests.xml", "servicerequestupdates.json"):
        text = client.get(f"{BASE}/{url}").content.decode()
        for private in PERSONAL:
            assert private not in text


@pytest.fixture
def handlers(catalogue):
    """An intake officer, and an officer of the Department of Construction (SXD)."""
    intake = StaffFactory()
    membership(intake, role=StaffMembership.Role.INTAKE_OFFICER, department_code="IOC")
    officer = StaffFactory()
    membership(officer, role=StaffMembership.Role.AGENCY_OFFICER, department_code="SXD")
    return intake, officer


def test_an_update_keeps_the_status_the_report_had_when_it_was_posted(client, handlers):
    intake, officer = handlers
    report = actions.report_accept(
        report=submit_report(), acting_user=intake, department=Department.objects.get(code="SXD")
    )
    report = actions.report_start(report=report, acting_user=officer)
    actions.report_post_update(
        report=report, acting_user=officer, message="Đội công trình sẽ đến trong tuần."
    )
    actions.report_resolve(report=report, acting_user=officer, answer="Đã vá ổ gà.")

    updates = client.get(f"{BASE}/servicerequestupdates.json", {"locale": "en"}).json()
    assert [(u["description"], u["status"]) for u in updates] == [
        ("Report received; the intake centre checks it within 2 working hours.", "open"),
        ("Accepted and sent to Department of Construction.", "open"),
        ("Work has started.", "open"),
        # Posted while in progress: still open, although the report is resolved now.
        ("Đội công trình sẽ đến trong tuần.", "open"),
        ("Đã vá ổ gà.", "closed"),
    ]


def test_updates_cost_two_queries_however_many(client, world, django_assert_num_queries):
    with django_assert_num_queries(2):  # the page of events, and their reports' status changes
        few = client.get(f"{BASE}/servicerequestupdates.json").json()
    for _ in range(3):
        report = public_report()
        event(report, kind=ReportEvent.Kind.ACCEPTED, minutes_ago=2, to_status=S.ACCEPTED)
        event(report, kind=ReportEvent.Kind.PUBLIC_UPDATE, minutes_ago=1, message="Đang xử lý.")
    with django_assert_num_queries(2):
        more = client.get(f"{BASE}/servicerequestupdates.json").json()
    assert len(more) == len(few) + 9  # three reports: submitted, accepted, an update
    with django_assert_num_queries(2):
        paged = client.get(f"{BASE}/servicerequestupdates.json", {"page": 2, "page_size": 4})
    assert [u["update_id"] for u in paged.json()] == [u["update_id"] for u in more[4:8]]


def test_requests_page_by_keyset_through_the_link_header(client, catalogue):
    made = [public_report() for _ in range(5)]
    newest_first = [r.tracking_code for r in reversed(made)]

    def ids(response):
        return [record["service_request_id"] for record in response.json()]

    first = client.get(f"{BASE}/requests.json", {"page_size": 2, "service_code": "ROAD_DAMAGE"})
    assert ids(first) == newest_first[:2]
    link = first["Link"]
    assert link == (
        f"<http://testserver{BASE}/requests.json?page_size=2&service_code=ROAD_DAMAGE"
        f'&after={newest_first[1]}>; rel="next"'
    )
    second = client.get(link[1 : link.index(">")])
    assert ids(second) == newest_first[2:4]
    third = client.get(second["Link"][1 : second["Link"].index(">")])
    assert ids(third) == newest_first[4:]
    assert "Link" not in third
    # Numbered pages still work, through the same code; their Link continues by keyset.
    numbered = client.get(f"{BASE}/requests.json", {"page": 2, "page_size": 2})
    assert ids(numbered) == newest_first[2:4]
    assert f"after={newest_first[3]}" in numbered["Link"] and "page=" not in numbered["Link"]


def test_requests_page_costs_three_queries_or_four_with_a_cursor(
    client, catalogue, django_assert_num_queries
):
    made = [public_report() for _ in range(3)]
    # the page, then its public events and photos together
    with django_assert_num_queries(3):
        client.get(f"{BASE}/requests.json")
    with django_assert_num_queries(4):  # the cursor's row first
        client.get(f"{BASE}/requests.json", {"after": made[-1].tracking_code})
    for _ in range(20):
        public_report()
    with django_assert_num_queries(3):
        assert len(client.get(f"{BASE}/requests.json").json()) == 23


def test_numbered_pages_stop_where_keyset_paging_takes_over(client, catalogue):
    deepest = client.get(f"{BASE}/requests.json", {"page": 11, "page_size": 1000})
    assert deepest.status_code == 200
    too_deep = client.get(f"{BASE}/requests.json", {"page": 12, "page_size": 1000})
    assert too_deep.status_code == 400
    assert too_deep.json()[0]["description"] == (
        "page numbers reach the first 10000 records; go further with the after parameter "
        "(the Link header)"
    )
    updates = client.get(f"{BASE}/servicerequestupdates.json", {"page": 102, "page_size": 100})
    assert updates.status_code == 400
    assert "a later start_date" in updates.json()[0]["description"]


def test_page_and_after_together_are_refused(client, catalogue):
    response = client.get(f"{BASE}/requests.json", {"page": 2, "after": "CM-0000-0000"})
    assert response.status_code == 400
    assert response.json()[0]["description"] == "page and after cannot be used together"
