"""Outbound Open311 end to end, against a second portal instance that plays an agency's back
office: its own gunicorn and its own database, reached over real HTTP. A report dispatched to
the agency is POSTed there (and retried, and never lost); the back office's handling comes back
through its servicerequestupdates into our timeline, through our own handling actions."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
import uuid
from urllib.parse import urlencode

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import StaffMembership
from camau_portal.notifications.models import OutboundEmail
from reports.backoffice import outbox
from reports.backoffice.tasks import fetch_updates, requeue_due_deliveries
from reports.handling import actions
from reports.intake.photos import photo_stage
from reports.models import BackOfficeDelivery, BackOfficeEndpoint, Report, ReportEvent
from reports.open311.formats import w3c_datetime
from services.models import Department
from tests.factories import StaffFactory, jpeg_upload, membership, submit_report
from tests.integration.harness import (
    ROOT,
    SWEEPS_EVERY_TWO_SECONDS,
    WebServer,
    Worker,
    free_port,
    publishing_to,
    running,
    wait_for,
)

pytestmark = [pytest.mark.django_db(transaction=True)]

Kind = ReportEvent.Kind

# Run inside the back office (``manage.py shell``): its key for us (with mySociety's
# extensions, as FixMyStreet's integrations use), its intake officer and road officer.
SETUP_BACK_OFFICE = """
import json
from accounts.models import StaffMembership, User
from reports.models import ApiKey
from services.models import Department
key, raw = ApiKey.objects.issue(name="Cổng phản ánh Cà Mau")
key.mysociety_extensions = True
key.save()
for email, role, code in [("intake@so.example", "intake_officer", "IOC"),
                          ("road@so.example", "agency_officer", "SXD")]:
    user = User.objects.create_user(email, "x" * 12, is_staff=True)
    StaffMembership.objects.create(
        user=user, role=role, department=Department.objects.get(code=code))
print(json.dumps({"key": raw}))
"""

# The back office's officers handle the report in their own system.
HANDLE_IN_BACK_OFFICE = """
import json, sys
from accounts.models import User
from reports.handling import actions
from reports.intake.photos import photo_stage
from reports.models import Report
from services.models import Department
code = {code!r}
report = Report.objects.get(tracking_code=code)
out = {{"description": report.description, "email": report.reporter_email,
        "name": report.reporter_name, "phone": report.reporter_phone,
        "category": report.category.code, "photos": report.photos.count()}}
intake = User.objects.get(email="intake@so.example")
road = User.objects.get(email="road@so.example")
report = actions.report_accept(report=report, acting_user=intake,
                               department=Department.objects.get(code="SXD"))
report = actions.report_start(report=report, acting_user=road)
actions.report_post_update(report=report, acting_user=road, message="Đội sẽ đến vào thứ Hai.")
actions.report_resolve(report=report, acting_user=road, answer="Đã vá xong ổ gà.")
print(json.dumps(out))
"""

# Its intake officer reopens the report: the road broke up again.
REOPEN_IN_BACK_OFFICE = """
import json
from accounts.models import User
from reports.handling import actions
from reports.models import Report
report = Report.objects.get(tracking_code={code!r})
intake = User.objects.get(email="intake@so.example")
actions.report_reopen(report=report, acting_user=intake, reason={reason!r})
print(json.dumps({{"status": Report.objects.get(pk=report.pk).status}}))
"""


class BackOffice:
    """The second portal: ``manage.py`` commands and gunicorn on its own SQLite database."""

    def __init__(self, directory):
        directory.mkdir(parents=True, exist_ok=True)
        self.server = WebServer(
            broker_url="",
            smtp_url="consolemail://",
            var_dir=directory,
            env={
                "DATABASE_URL": f"sqlite:///{directory / 'back-office.sqlite3'}",
                "DJANGO_SECRET_KEY": "back-office-key-" + uuid.uuid4().hex * 2,
                "CELERY_TASK_ALWAYS_EAGER": "true",
                # It downloads our photos from the test's server, on loopback.
                "OPEN311_MEDIA_PRIVATE_HOSTS": "true",
            },
        )

    def manage(self, *arguments: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *arguments],
            cwd=ROOT,
            env=self.server.env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout

    def shell(self, code: str) -> dict:
        return json.loads(self.manage("shell", "-c", code).strip().splitlines()[-1])

    @property
    def open311(self) -> str:
        return f"{self.server.url}/open311/v2"

    def updates_served(self, service_request_id: str) -> list[dict]:
        """The office's servicerequestupdates of one request, as we read them over HTTP."""
        now = timezone.now()
        query = urlencode(
            {
                "api_key": self.key,
                "start_date": w3c_datetime(now - timezone.timedelta(days=1)),
                "end_date": w3c_datetime(now + timezone.timedelta(minutes=1)),
            }
        )
        with urllib.request.urlopen(
            f"{self.open311}/servicerequestupdates.json?{query}", timeout=30
        ) as response:
            served = json.loads(response.read())
        return [item for item in served if item["service_request_id"] == service_request_id]


@pytest.fixture(scope="module")
def back_office(tmp_path_factory):
    office = BackOffice(tmp_path_factory.mktemp("back-office"))
    with office.server:
        office.manage("load_reference_data")
        office.key = office.shell(SETUP_BACK_OFFICE)["key"]
        yield office


@pytest.fixture
def road_agency(catalogue, back_office):
    """Our Department of Construction, with its back office configured as in the admin; our
    ROAD_DAMAGE is the office's BRIDGE_CULVERT (a mapping, to see it applied)."""
    officer = StaffFactory()
    membership(officer, role=StaffMembership.Role.AGENCY_OFFICER, department_code="SXD")
    intake = StaffFactory()
    membership(intake, role=StaffMembership.Role.INTAKE_OFFICER, department_code="IOC")
    endpoint = BackOfficeEndpoint.objects.create(
        department=Department.objects.get(code="SXD"),
        base_url=back_office.open311,
        api_key=back_office.key,
        jurisdiction_id="camau.gov.vn",
        service_codes={"ROAD_DAMAGE": "BRIDGE_CULVERT"},
        acting_officer=officer,
    )
    return endpoint, intake, officer


def dispatched(intake, photos=()) -> Report:
    report = submit_report(
        reporter_name="Trần Thị Bình",
        reporter_email="binh.tran@example.vn",
        reporter_phone="0912345678",
        contact_allowed=False,
        photos=list(photos),
    )
    mail.outbox.clear()
    return actions.report_accept(
        report=report, acting_user=intake, department=Department.objects.get(code="SXD")
    )


def test_a_dispatched_report_travels_to_the_back_office_and_its_handling_comes_back(
    client, back_office, road_agency, live_server, settings
):
    """HTTP both ways: we POST the report and read the updates; the back office downloads the
    report's photo from us (``media_url``)."""
    settings.PORTAL_BASE_URL = live_server.url
    settings.PORTAL_SERVE_MEDIA = True
    endpoint, intake, officer = road_agency
    photo = photo_stage(upload=jpeg_upload("pothole.jpg"), staged_by="test").photo
    report = dispatched(intake, photos=[photo])

    delivery = BackOfficeDelivery.objects.get(report=report)
    assert delivery.state == BackOfficeDelivery.State.SENT, delivery.last_error
    assert delivery.attempts == 1 and delivery.external_id.startswith("CM-")
    sent = ReportEvent.objects.get(report=report, kind=Kind.SENT_TO_BACK_OFFICE)
    assert sent.data["external_id"] == delivery.external_id and not sent.is_public

    # The office has it under its own code, with the report's text and none of the reporter's
    # details (the reporter did not allow the agency to contact them).
    there = back_office.shell(HANDLE_IN_BACK_OFFICE.format(code=delivery.external_id))
    assert there["category"] == "BRIDGE_CULVERT"
    assert report.description in there["description"]
    assert (there["email"], there["name"], there["phone"]) == ("", "", "")
    assert there["photos"] == 1  # fetched from our server

    outcome = fetch_updates.delay().get()
    assert outcome[endpoint.pk]["resolved"] == 1, outcome

    report.refresh_from_db()
    assert report.status == Report.Status.RESOLVED
    assert report.first_response_at is not None  # the office's first public word counts
    timeline = list(
        ReportEvent.objects.filter(report=report, created_at__gt=sent.created_at).order_by(
            "created_at", "id"
        )
    )
    handled = [(e.kind, e.actor_id, e.public_message) for e in timeline]
    assert (Kind.STARTED, officer.pk, "") in handled
    assert (Kind.PUBLIC_UPDATE, officer.pk, "Đội sẽ đến vào thứ Hai.") in handled
    assert handled[-1] == (Kind.RESOLVED, officer.pk, "Đã vá xong ổ gà.")
    assert [kind for kind, _, _ in handled].count(Kind.RESOLVED) == 1
    # The office's receipt of our request is not news here: it never becomes a public update.
    (receipt,) = [
        item
        for item in back_office.updates_served(delivery.external_id)
        if item["external_status_code"] == "submitted"
    ]
    assert receipt["description"]
    assert receipt["description"] not in [message for _, _, message in handled]
    assert delivery.updates.filter(update_id=receipt["update_id"]).exists()
    # The reporter hears of the answer as from the dashboard: the resolution email is queued.
    assert OutboundEmail.objects.filter(
        report_id=report.pk, recipient="binh.tran@example.vn", template="event_resolved"
    ).exists()

    # Read again: nothing is applied twice.
    events_before = ReportEvent.objects.filter(report=report).count()
    again = fetch_updates.delay().get()
    assert "resolved" not in again[endpoint.pk]
    assert ReportEvent.objects.filter(report=report).count() == events_before

    # The workbench shows where the report is.
    client.force_login(intake)
    page = client.get(f"/staff/r/{report.tracking_code}/").content.decode()
    assert 'id="back-office-deliveries"' in page
    assert delivery.external_id in page


def test_a_report_the_office_refuses_is_marked_failed_at_once_and_shown(
    client, back_office, road_agency
):
    endpoint, intake, _ = road_agency
    endpoint.service_codes = {"ROAD_DAMAGE": "NO_SUCH_SERVICE"}
    endpoint.save()
    report = dispatched(intake)
    delivery = BackOfficeDelivery.objects.get(report=report)
    assert delivery.state == BackOfficeDelivery.State.FAILED
    assert delivery.attempts == 1  # a refusal is not retried
    assert delivery.last_error == "HTTP 404: service_code NO_SUCH_SERVICE not found"
    failed = ReportEvent.objects.get(report=report, kind=Kind.BACK_OFFICE_FAILED)
    assert "NO_SUCH_SERVICE" in failed.internal_note and not failed.is_public
    client.force_login(intake)
    page = client.get(f"/staff/r/{report.tracking_code}/").content.decode()
    assert "delivery-failed" in page


def test_an_office_that_is_down_gets_the_report_once_it_is_back(
    back_office, road_agency, monkeypatch
):
    endpoint, intake, _ = road_agency
    real_url = endpoint.base_url
    endpoint.base_url = f"http://127.0.0.1:{free_port()}/open311/v2"  # nothing listens
    endpoint.save()
    monkeypatch.setattr(outbox, "MAX_ATTEMPTS", 3)
    report = dispatched(intake)
    delivery = BackOfficeDelivery.objects.get(report=report)
    # Tried, with a growing delay between the tries (in-process Celery does not wait) …
    assert delivery.state == BackOfficeDelivery.State.FAILED
    assert delivery.attempts == 3 and "ConnectionError" in delivery.last_error
    assert [outbox.retry_delay(n).total_seconds() for n in (1, 2, 3, 20)] == [60, 120, 240, 3600]

    # … and never lost: a report whose task was lost while pending is queued again by beat.
    endpoint.base_url = real_url
    endpoint.save()
    BackOfficeDelivery.objects.filter(pk=delivery.pk).update(
        state=BackOfficeDelivery.State.PENDING,
        attempts=0,
        next_attempt_at=timezone.now() - timezone.timedelta(hours=1),
    )
    assert requeue_due_deliveries.delay().get() == 1
    delivery.refresh_from_db()
    assert delivery.state == BackOfficeDelivery.State.SENT and delivery.external_id


@pytest.mark.redis
@pytest.mark.worker
def test_the_delivery_goes_through_the_broker_and_a_real_worker(
    back_office, road_agency, private_redis, tmp_path
):
    """Dispatch commits here; the task travels through Redis to a worker process, which
    POSTs to the back office."""
    _, intake, _ = road_agency
    with publishing_to(private_redis.url):
        worker = Worker(broker_url=private_redis.url, smtp_url="consolemail://", var_dir=tmp_path)
        with running(worker):
            report = dispatched(intake)
            wait_for(
                lambda: BackOfficeDelivery.objects.filter(
                    report=report, state=BackOfficeDelivery.State.SENT
                ).exists(),
                timeout=90,
                message="the worker never delivered the report",
            )
    delivery = BackOfficeDelivery.objects.get(report=report)
    assert delivery.attempts == 1 and delivery.external_id.startswith("CM-")


def test_a_report_the_office_opens_again_is_reopened_here_with_its_reason(back_office, road_agency):
    """The office resolves, then reopens in its own system: our report goes back to work
    through the reopen action, in the name of the agency's manager (who may reopen from the
    dashboard too), with the office's reason as the public text."""
    endpoint, intake, officer = road_agency
    StaffMembership.objects.filter(user=officer).update(role=StaffMembership.Role.AGENCY_MANAGER)
    report = dispatched(intake)
    delivery = BackOfficeDelivery.objects.get(report=report)
    assert delivery.state == BackOfficeDelivery.State.SENT, delivery.last_error
    back_office.shell(HANDLE_IN_BACK_OFFICE.format(code=delivery.external_id))
    assert fetch_updates.delay().get()[endpoint.pk]["resolved"] == 1
    report.refresh_from_db()
    assert report.status == Report.Status.RESOLVED and report.resolved_at is not None

    reason = "Ổ gà xuất hiện lại sau trận mưa lớn."
    there = back_office.shell(
        REOPEN_IN_BACK_OFFICE.format(code=delivery.external_id, reason=reason)
    )
    assert there["status"] == "in_progress"
    outcome = fetch_updates.delay().get()[endpoint.pk]
    assert outcome.get("reopened") == 1, outcome

    report.refresh_from_db()
    assert report.status == Report.Status.IN_PROGRESS
    assert report.resolved_at is None
    assert report.deadline_check_at is not None  # the deadlines are watched again
    reopened = ReportEvent.objects.get(report=report, kind=Kind.REOPENED)
    assert (reopened.actor_id, reopened.public_message, reopened.is_public) == (
        officer.pk,
        reason,
        True,
    )
    assert reopened.from_status == Report.Status.RESOLVED
    assert OutboundEmail.objects.filter(
        report_id=report.pk, recipient="binh.tran@example.vn", template="event_reopened"
    ).exists()

    # Read again: the reopening is applied once.
    again = fetch_updates.delay().get()[endpoint.pk]
    assert "reopened" not in again
    assert ReportEvent.objects.filter(report=report, kind=Kind.REOPENED).count() == 1


@pytest.mark.redis
@pytest.mark.worker
def test_a_report_dispatched_while_redis_is_down_reaches_the_office_once_it_is_back(
    back_office, road_agency, private_redis, tmp_path
):
    """The dispatch commits though its send task cannot be queued; the delivery waits as a
    row, and once Redis is back beat's sweep has a real worker POST it."""
    _, intake, _ = road_agency
    with publishing_to(private_redis.url):
        private_redis.stop()
        report = dispatched(intake)
        delivery = BackOfficeDelivery.objects.get(report=report)
        assert (delivery.state, delivery.attempts) == (BackOfficeDelivery.State.PENDING, 0)

        private_redis.start()  # empty: the send task never reached it
        worker = Worker(
            broker_url=private_redis.url,
            smtp_url="consolemail://",
            var_dir=tmp_path,
            beat=True,
            env=SWEEPS_EVERY_TWO_SECONDS,
        )
        with running(worker):
            wait_for(
                lambda: BackOfficeDelivery.objects.filter(
                    pk=delivery.pk, state=BackOfficeDelivery.State.SENT
                ).exists(),
                timeout=90,
                message="the report dispatched during the outage never reached the office",
            )
    delivery.refresh_from_db()
    assert delivery.attempts == 1 and delivery.external_id.startswith("CM-")
    assert ReportEvent.objects.filter(report=report, kind=Kind.SENT_TO_BACK_OFFICE).count() == 1
