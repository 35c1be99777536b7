"""What servicerequestupdates and the requests window promise a sending system such as
FixMyStreet: every public outcome, the status at the time of each update, ids that survive a
key rotation, texts in the asked language, and mySociety's extensions for keys that ask."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import StaffMembership
from reports.handling import actions
from reports.models import ApiKey, ApiSubmission, Report
from reports.open311.formats import w3c_datetime
from services.models import Commune, Department
from tests.factories import StaffFactory, jpeg_upload, membership, submit_report

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"
UPDATES = f"{BASE}/servicerequestupdates.json"
PERSONAL = ("Trần Thị Bình", "binh.tran@example.vn", "0912345678")


@pytest.fixture
def staff(catalogue):
    intake = StaffFactory()
    membership(intake, role=StaffMembership.Role.INTAKE_OFFICER, department_code="IOC")
    officer = StaffFactory()
    membership(officer, role=StaffMembership.Role.AGENCY_OFFICER, department_code="SXD")
    manager = StaffFactory()
    membership(manager, role=StaffMembership.Role.AGENCY_MANAGER, department_code="SXD")
    return intake, officer, manager


def private_report(**overrides):
    return submit_report(
        reporter_name="Trần Thị Bình",
        reporter_email="binh.tran@example.vn",
        reporter_phone="0912345678",
        description="Nhà bà Bình ở số 12, ổ gà trước cổng rất sâu.",
        **overrides,
    )


def updates_of(client, report, **params):
    every = client.get(UPDATES, {"locale": "en", **params}).json()
    return [u for u in every if u["service_request_id"] == report.tracking_code]


def test_a_report_refused_before_publication_shows_only_its_outcome(client, staff):
    intake, _, _ = staff
    report = private_report()
    actions.report_reject(
        report=report, acting_user=intake, reason="Không thuộc thẩm quyền của tỉnh."
    )
    response = client.get(UPDATES, {"locale": "en"})
    (update,) = [u for u in response.json() if u["service_request_id"] == report.tracking_code]
    assert update["status"] == "closed"
    assert update["description"] == "Không thuộc thẩm quyền của tỉnh."
    assert update["media_url"] is None
    text = response.content.decode()
    assert "ổ gà trước cổng" not in text  # its content is never published
    for private in PERSONAL:
        assert private not in text


def test_a_report_merged_before_publication_points_to_the_original(client, staff):
    intake, _, _ = staff
    original = submit_report()
    duplicate = private_report()
    actions.report_mark_duplicate(report=duplicate, acting_user=intake, original=original)
    (update,) = updates_of(client, duplicate)
    assert update["status"] == "closed"
    assert update["description"] == f"Duplicate of {original.tracking_code}"


def test_a_report_still_awaiting_intake_shows_nothing(client, staff):
    report = private_report()
    assert updates_of(client, report) == []


def test_update_ids_survive_a_secret_key_rotation(client, staff, settings):
    intake, officer, _ = staff
    report = actions.report_accept(
        report=submit_report(), acting_user=intake, department=Department.objects.get(code="SXD")
    )
    actions.report_post_update(report=report, acting_user=officer, message="Đã khảo sát.")
    before = [u["update_id"] for u in updates_of(client, report)]
    settings.SECRET_KEY = "another-secret-key-" + "x" * 50
    after = [u["update_id"] for u in updates_of(client, report)]
    assert after == before and len(set(before)) == 3


def test_status_changes_are_told_in_the_asked_language(client, staff):
    intake, officer, _ = staff
    report = actions.report_accept(
        report=submit_report(), acting_user=intake, department=Department.objects.get(code="SXD")
    )
    actions.report_start(report=report, acting_user=officer)
    english = [u["description"] for u in updates_of(client, report)][1:]
    assert english == ["Accepted and sent to Department of Construction.", "Work has started."]
    by_locale = client.get(UPDATES, {"locale": "vi_VN"}).json()
    by_header = client.get(UPDATES, HTTP_ACCEPT_LANGUAGE="vi").json()
    vietnamese = ["Đã tiếp nhận và chuyển cho Sở Xây dựng.", "Đã bắt đầu xử lý."]
    for answer in (by_locale, by_header):
        mine = [u["description"] for u in answer if u["service_request_id"] == report.tracking_code]
        assert mine[1:] == vietnamese


@pytest.fixture
def fixmystreet_key(catalogue):
    api_key, raw = ApiKey.objects.issue(name="FixMyStreet Cà Mau")
    api_key.mysociety_extensions = True
    api_key.save()
    return api_key, raw


def test_extended_statuses_for_a_key_that_asks(client, staff, fixmystreet_key):
    intake, officer, manager = staff
    _, raw = fixmystreet_key
    report = actions.report_accept(report=submit_report(), acting_user=intake)
    actions.report_transfer(
        report=report,
        acting_user=intake,
        department=Department.objects.get(code="SXD"),
        reason="Đường tỉnh",
    )
    actions.report_start(report=report, acting_user=officer)
    actions.report_request_info(report=report, acting_user=officer, question="Ở số nhà nào?")
    actions.report_post_update(report=report, acting_user=officer, message="Đang chờ thông tin.")
    actions.report_resolve(report=report, acting_user=officer, answer="Đã vá.")
    actions.report_reopen(report=report, acting_user=manager, reason="Vá chưa kỹ.")
    actions.report_resolve(report=report, acting_user=officer, answer="Đã vá lại.")
    actions.report_close(report=report, acting_user=manager)
    rejected = submit_report()
    actions.report_reject(report=rejected, acting_user=intake, reason="Trùng địa bàn khác.")
    merged = submit_report()
    actions.report_mark_duplicate(report=merged, acting_user=intake, original=report)

    def statuses(code_report, key=None):
        params = {"api_key": key} if key else {}
        return [
            (u["status"], u.get("external_status_code"))
            for u in updates_of(client, code_report, **params)
        ]

    assert statuses(report, raw) == [
        ("OPEN", "submitted"),
        ("OPEN", "accepted"),
        ("OPEN", "accepted"),  # transferred
        ("IN_PROGRESS", "in_progress"),
        ("INVESTIGATING", "waiting_info"),  # the public message while waiting
        ("FIXED", "resolved"),
        ("IN_PROGRESS", "in_progress"),  # reopened
        ("FIXED", "resolved"),
        ("CLOSED", "closed"),
    ]
    assert statuses(rejected, raw) == [("NO_FURTHER_ACTION", "rejected")]
    assert statuses(merged, raw) == [("DUPLICATE", "duplicate")]
    # Without the key (or with a key that did not ask): GeoReport's own two states.
    plain_raw = ApiKey.objects.issue(name="Zalo")[1]
    assert statuses(report, plain_raw) == statuses(report)
    assert statuses(report) == [("open", None)] * 5 + [
        ("closed", None),
        ("open", None),
        ("closed", None),
        ("closed", None),
    ]


def test_an_invalid_key_on_the_feed_is_refused(client, catalogue):
    response = client.get(UPDATES, {"api_key": "c311_not-a-key"})
    assert response.status_code == 403
    assert response.json() == [{"code": 403, "description": "Invalid api_key"}]


def test_fixmystreet_id_is_kept_and_echoed_to_its_sender_only(client, staff, fixmystreet_key):
    intake, _, _ = staff
    _, raw = fixmystreet_key
    commune = Commune.objects.get(name="Phường An Xuyên")
    response = client.post(
        f"{BASE}/requests.json",
        {
            "api_key": raw,
            "service_code": "ROAD_DAMAGE",
            "lat": f"{commune.latitude:.6f}",
            "long": f"{commune.longitude:.6f}",
            "description": "Ổ gà lớn giữa đường, xe máy dễ té ngã vào ban đêm.",
            "attribute[fixmystreet_id]": "4172",
            "attribute[report_url]": "https://fixmystreet.camau.example/report/4172",
            "attribute[size]": "large",
            "photo1": jpeg_upload("p1.jpg"),
        },
    )
    assert response.status_code == 201, response.content
    report = Report.objects.get(tracking_code=response.json()[0]["service_request_id"])
    assert ApiSubmission.objects.get(report=report).attributes == {
        "fixmystreet_id": "4172",
        "report_url": "https://fixmystreet.camau.example/report/4172",
    }
    assert report.description.endswith("Chỗ hư hỏng lớn cỡ nào? Lớn hơn một mét")
    actions.report_accept(report=report, acting_user=intake)
    mine = updates_of(client, report, api_key=raw)
    assert [u["fixmystreet_id"] for u in mine] == ["4172", "4172"]
    other_key, other_raw = ApiKey.objects.issue(name="Another FixMyStreet")
    ApiKey.objects.filter(pk=other_key.pk).update(mysociety_extensions=True)
    assert all("fixmystreet_id" not in u for u in updates_of(client, report, api_key=other_raw))
    assert all("fixmystreet_id" not in u for u in updates_of(client, report))


def test_a_report_accepted_now_is_found_by_the_window_of_its_public_change(client, staff):
    intake, _, _ = staff
    yesterday = timezone.now() - timedelta(days=1)
    report = submit_report(submitted_at=yesterday)
    window_start = timezone.now() - timedelta(minutes=1)
    actions.report_accept(report=report, acting_user=intake)

    def ids(**params):
        answer = client.get(f"{BASE}/requests.json", params)
        assert answer.status_code == 200, answer.content
        return [r["service_request_id"] for r in answer.json()]

    now = timezone.now() + timedelta(seconds=1)
    assert ids(updated_after=w3c_datetime(window_start), updated_before=w3c_datetime(now)) == [
        report.tracking_code
    ]
    # A window that closed before the acceptance does not see it.
    assert (
        ids(
            updated_after=w3c_datetime(yesterday - timedelta(hours=1)),
            updated_before=w3c_datetime(window_start - timedelta(minutes=1)),
        )
        == []
    )
    assert ids(updated_before=w3c_datetime(now)) == [report.tracking_code]
    reversed_window = client.get(
        f"{BASE}/requests.json",
        {"updated_after": w3c_datetime(now), "updated_before": w3c_datetime(window_start)},
    )
    assert reversed_window.status_code == 400
    assert reversed_window.json()[0]["description"] == (
        "updated_before must not be before updated_after"
    )
