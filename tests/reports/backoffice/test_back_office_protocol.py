"""How the portal talks to a back office that is not another portal: a plain Open311 server on
loopback (the outside world, scripted) that records what it receives and serves the updates it
is given, in mySociety's extended statuses or GeoReport's two."""

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import timezone

from accounts.models import StaffMembership
from reports.backoffice.tasks import fetch_updates
from reports.backoffice.updates import updates_fetch
from reports.handling import actions
from reports.models import BackOfficeDelivery, BackOfficeEndpoint, Report, ReportEvent
from reports.open311.formats import w3c_datetime
from services.models import Department
from tests.factories import StaffFactory, membership, submit_report

pytestmark = pytest.mark.django_db

Kind = ReportEvent.Kind


class Office(BaseHTTPRequestHandler):
    received: list[dict] = []
    update_queries: list[dict] = []
    updates: list[dict] = []

    def _answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        form = parse_qs(self.rfile.read(length).decode(), keep_blank_values=True)
        self.received.append({key: values[0] for key, values in form.items()})
        self._answer(201, [{"service_request_id": f"SR-{len(self.received)}"}])

    def do_GET(self):
        url = urlparse(self.path)
        self.update_queries.append({k: v[0] for k, v in parse_qs(url.query).items()})
        self._answer(200, self.updates)

    def log_message(self, *args):
        pass


@pytest.fixture
def office():
    Office.received, Office.update_queries, Office.updates = [], [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Office)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/open311/v2/"
    server.shutdown()
    server.server_close()


@pytest.fixture
def agency(catalogue, office):
    officer = StaffFactory()
    membership(officer, role=StaffMembership.Role.AGENCY_OFFICER, department_code="SXD")
    intake = StaffFactory()
    membership(intake, role=StaffMembership.Role.INTAKE_OFFICER, department_code="IOC")
    endpoint = BackOfficeEndpoint.objects.create(
        department=Department.objects.get(code="SXD"),
        base_url=office,
        api_key="office-key-123",
        jurisdiction_id="sxd.camau",
        acting_officer=officer,
    )
    return endpoint, intake, officer


def dispatch(intake, django_capture_on_commit_callbacks, **reporter) -> Report:
    report = submit_report(
        reporter_name="Trần Thị Bình",
        reporter_email="binh.tran@example.vn",
        reporter_phone="0912345678",
        **reporter,
    )
    with django_capture_on_commit_callbacks(execute=True):
        return actions.report_accept(
            report=report, acting_user=intake, department=Department.objects.get(code="SXD")
        )


def test_what_is_sent_and_the_contact_details_only_with_consent(
    agency, django_capture_on_commit_callbacks
):
    _, intake, _ = agency
    private = dispatch(intake, django_capture_on_commit_callbacks, contact_allowed=False)
    reachable = dispatch(intake, django_capture_on_commit_callbacks, contact_allowed=True)
    first, second = Office.received
    assert first["api_key"] == "office-key-123" and first["jurisdiction_id"] == "sxd.camau"
    assert first["service_code"] == "ROAD_DAMAGE"  # not mapped: our own code
    assert first["attribute[portal_id]"] == private.tracking_code
    assert first["description"] == f"{private.title}\n\n{private.description}"
    assert (first["lat"], first["long"]) == (
        f"{private.latitude:.6f}",
        f"{private.longitude:.6f}",
    )
    for field in ("first_name", "last_name", "email", "phone"):
        assert field not in first
    assert (second["first_name"], second["email"], second["phone"]) == (
        "Trần Thị Bình",
        "binh.tran@example.vn",
        "0912345678",
    )
    assert BackOfficeDelivery.objects.get(report=reachable).external_id == "SR-2"


def _update(update_id, status, description, *, minutes_from_now=1):
    moment = timezone.now() + timezone.timedelta(minutes=minutes_from_now)
    return {
        "update_id": update_id,
        "service_request_id": "SR-1",
        "status": status,
        "description": description,
        "updated_datetime": w3c_datetime(moment),
    }


@pytest.mark.parametrize(
    "status, description, answer",
    [
        # In the report's language (Vietnamese here).
        ("NOT_COUNCILS_RESPONSIBILITY", "", "Hệ thống của đơn vị báo đã xử lý xong "
         "(not councils responsibility)."),
        ("closed", "Đã xử lý xong.", "Đã xử lý xong."),
        ("No further action", "Không thể xử lý thêm.", "Không thể xử lý thêm."),
    ],
)  # fmt: skip
def test_a_final_status_resolves_with_the_offices_words(
    agency, django_capture_on_commit_callbacks, status, description, answer
):
    endpoint, intake, officer = agency
    report = dispatch(intake, django_capture_on_commit_callbacks)
    Office.updates = [_update("u1", status, description)]
    with django_capture_on_commit_callbacks(execute=True):
        fetch_updates.delay().get()
    report.refresh_from_db()
    assert report.status == Report.Status.RESOLVED
    resolved = ReportEvent.objects.get(report=report, kind=Kind.RESOLVED)
    assert (resolved.public_message, resolved.actor_id) == (answer, officer.pk)
    (query,) = Office.update_queries
    assert query["api_key"] == "office-key-123" and query["jurisdiction_id"] == "sxd.camau"


def test_work_under_way_starts_the_work_and_messages_become_public_updates(
    agency, django_capture_on_commit_callbacks
):
    endpoint, intake, officer = agency
    report = dispatch(intake, django_capture_on_commit_callbacks)
    Office.updates = [
        _update("receipt", "open", "Received", minutes_from_now=0),  # as it answered us
        _update("u1", "ACTION_SCHEDULED", "Lịch sửa: thứ Hai."),
        _update("u2", "open", ""),
        {"update_id": "other", "service_request_id": "SR-999", "status": "fixed",
         "description": "Not ours", "updated_datetime": w3c_datetime(timezone.now())},
    ]  # fmt: skip
    outcome = fetch_updates.delay().get()[endpoint.pk]
    assert outcome == {"receipt": 1, "started and public update": 1, "nothing to do": 1}
    report.refresh_from_db()
    assert report.status == Report.Status.IN_PROGRESS
    assert list(
        ReportEvent.objects.filter(report=report, kind=Kind.PUBLIC_UPDATE).values_list(
            "public_message", flat=True
        )
    ) == ["Lịch sửa: thứ Hai."]
    assert fetch_updates.delay().get()[endpoint.pk] == {"already applied": 3}


def test_an_update_for_a_report_transferred_away_is_not_applied(
    agency, django_capture_on_commit_callbacks
):
    endpoint, intake, _ = agency
    report = dispatch(intake, django_capture_on_commit_callbacks)
    actions.report_transfer(
        report=report,
        acting_user=intake,
        department=Department.objects.get(code="SNNMT"),
        reason="Thuộc đơn vị khác",
    )
    Office.updates = [_update("u1", "fixed", "Đã xong.")]
    assert fetch_updates.delay().get()[endpoint.pk] == {"transferred away": 1}
    report.refresh_from_db()
    assert report.status == Report.Status.ACCEPTED


def test_the_admin_form_wants_an_officer_of_the_agency_and_codes_as_text(admin_client, catalogue):
    stranger = StaffFactory()
    officer = StaffFactory()
    membership(officer, role=StaffMembership.Role.AGENCY_OFFICER, department_code="SXD")
    department = Department.objects.get(code="SXD")
    url = "/admin/reports/backofficeendpoint/add/"
    fields = {
        "department": department.pk,
        "base_url": "https://sxd.camau.example/open311/v2",
        "api_key": "k-1",
        "jurisdiction_id": "",
        "service_codes": '{"ROAD_DAMAGE": 7}',
        "acting_officer": stranger.pk,
        "is_active": "on",
    }
    page = admin_client.post(url, fields)
    assert page.status_code == 200
    text = page.content.decode()
    assert "each a piece of text" in text or "mỗi mã là một chuỗi ký tự" in text
    assert "officer or manager of this agency" in text or "cán bộ hoặc lãnh đạo" in text
    assert not BackOfficeEndpoint.objects.exists()
    fields.update(service_codes='{"ROAD_DAMAGE": "POTHOLE"}', acting_officer=officer.pk)
    assert admin_client.post(url, fields).status_code == 302
    assert BackOfficeEndpoint.objects.get().service_code_for("ROAD_DAMAGE") == "POTHOLE"


def test_a_first_open_update_written_later_is_the_offices_word_not_its_receipt(
    agency, django_capture_on_commit_callbacks
):
    endpoint, intake, _ = agency
    report = dispatch(intake, django_capture_on_commit_callbacks)
    Office.updates = [_update("u1", "open", "Chúng tôi sẽ kiểm tra.", minutes_from_now=90)]
    assert fetch_updates.delay().get()[endpoint.pk] == {"public update": 1}
    assert ReportEvent.objects.get(report=report, kind=Kind.PUBLIC_UPDATE).public_message == (
        "Chúng tôi sẽ kiểm tra."
    )


def test_the_window_asked_for_ends_at_the_whole_second_after_now(
    agency, django_capture_on_commit_callbacks
):
    """Open311 dates have whole seconds: an end cut down to its second would leave out what
    the office wrote in the last fraction of a second before we asked."""
    endpoint, intake, _ = agency
    dispatch(intake, django_capture_on_commit_callbacks)
    now = timezone.now().replace(microsecond=250_000)
    updates_fetch(endpoint=endpoint, now=now)
    (query,) = Office.update_queries
    assert query["end_date"] == w3c_datetime(now.replace(microsecond=0) + timedelta(seconds=1))
    assert query["start_date"] == w3c_datetime(now - timedelta(days=7, minutes=10))


def test_an_update_the_office_reopens_after_its_fix_reopens_the_report(
    agency, django_capture_on_commit_callbacks
):
    endpoint, intake, officer = agency
    StaffMembership.objects.filter(user=officer).update(role=StaffMembership.Role.AGENCY_MANAGER)
    report = dispatch(intake, django_capture_on_commit_callbacks)
    Office.updates = [_update("u1", "fixed", "Đã vá.")]
    assert fetch_updates.delay().get()[endpoint.pk] == {"resolved": 1}
    Office.updates.append(_update("u2", "in_progress", "", minutes_from_now=2))
    assert fetch_updates.delay().get()[endpoint.pk] == {"already applied": 1, "reopened": 1}
    report.refresh_from_db()
    assert report.status == Report.Status.IN_PROGRESS
    reopened = ReportEvent.objects.get(report=report, kind=Kind.REOPENED)
    assert reopened.public_message == "Hệ thống của đơn vị báo phản ánh được mở lại (in progress)."


def test_a_reopen_the_offices_officer_may_not_make_is_shown_to_staff_once(
    agency, django_capture_on_commit_callbacks
):
    """Reopening is a manager's decision: with a plain officer as the office's account the
    portal does not follow, and says so on the staff timeline (once, not at every read)."""
    endpoint, intake, officer = agency
    report = dispatch(intake, django_capture_on_commit_callbacks)
    Office.updates = [_update("u1", "fixed", "Đã vá.")]
    assert fetch_updates.delay().get()[endpoint.pk] == {"resolved": 1}
    Office.updates.append(_update("u2", "in_progress", "Mặt đường lún lại.", minutes_from_now=2))
    assert fetch_updates.delay().get()[endpoint.pk] == {"already applied": 1, "refused": 1}
    assert fetch_updates.delay().get()[endpoint.pk] == {"already applied": 2}
    report.refresh_from_db()
    assert report.status == Report.Status.RESOLVED
    (note,) = ReportEvent.objects.filter(report=report, kind=Kind.NOTE)
    assert not note.is_public and note.actor is None
    assert note.internal_note.startswith(
        "Hệ thống của đơn vị gửi một cập nhật không áp dụng được tại đây "
        "(trạng thái bên đó: in_progress; Mặt đường lún lại.): "
    )
    assert note.department == endpoint.department


def test_a_progress_message_after_a_resolution_made_here_does_not_reopen(
    agency, django_capture_on_commit_callbacks
):
    """Only the office's own change from finished to open reopens: our staff's resolution
    stands against a late progress note of an office that never said it was finished."""
    endpoint, intake, officer = agency
    report = dispatch(intake, django_capture_on_commit_callbacks)
    actions.report_resolve(report=report, acting_user=officer, answer="Đã xử lý tại chỗ.")
    Office.updates = [_update("u1", "in_progress", "Đang xử lý.")]
    assert fetch_updates.delay().get()[endpoint.pk] == {"nothing to do": 1}
    report.refresh_from_db()
    assert report.status == Report.Status.RESOLVED
