"""The report factories build what the product builds: the rows a citizen's submission leaves."""

import pytest
import time_machine

from camau_portal.notifications.models import OutboundEmail
from reports.intake.actions import report_submit
from reports.models import Follower, Report, ReportEvent
from services.models import Category, Commune
from tests.factories import ReportFactory, SubmittedReportFactory, UserFactory
from tests.services.sla_calendars import local

pytestmark = pytest.mark.django_db

FRIDAY_1600 = local(2026, 10, 9, 16, 0)
# Different for every report by nature; the rest of the row must be the same.
OWN_TO_EACH_REPORT = {"id", "tracking_code", "search_text"}


def rows_left_by(report):
    """The report, its events, followers and outbox rows, without what is unique to each."""
    report = Report.objects.get(pk=report.pk)
    fields = [f for f in Report._meta.concrete_fields if f.name not in OWN_TO_EACH_REPORT]
    return {
        "report": {field.name: getattr(report, field.attname) for field in fields},
        "search_text": report.search_text.removeprefix(report.tracking_code.lower()),
        "events": list(
            ReportEvent.objects.filter(report=report).values(
                "kind",
                "actor",
                "created_at",
                "is_public",
                "from_status",
                "to_status",
                "department",
                "public_message",
                "internal_note",
                "data",
            )
        ),
        "followers": list(
            Follower.objects.filter(report=report).values(
                "user", "email", "language", "is_reporter", "is_subscribed"
            )
        ),
        "emails": list(
            OutboundEmail.objects.filter(report_id=report.pk).values(
                "template", "recipient", "language", "status", "next_attempt_at"
            )
        ),
    }


def test_a_factory_report_is_the_rows_a_submission_leaves(catalogue):
    commune = Commune.objects.order_by("code").first()
    road = Category.objects.get(code="ROAD_DAMAGE")
    contact = {
        "reporter_name": "Nguyễn Văn An",
        "reporter_email": "an@example.vn",
        "reporter_phone": "0912345678",
    }
    text = {"title": "Ổ gà", "description": "Ổ gà lớn giữa đường, xe máy dễ té."}
    with time_machine.travel(FRIDAY_1600, tick=False):
        submitted = report_submit(
            category=road,
            commune=commune,
            latitude=commune.latitude,
            longitude=commune.longitude,
            **text,
            **contact,
        )
    built = SubmittedReportFactory(submitted_at=FRIDAY_1600, **text, **contact)

    assert rows_left_by(built) == rows_left_by(submitted)
    left = rows_left_by(built)
    # Friday 16:00 + 2 working hours: 1 h Friday to 17:00, 1 h Monday from 07:00 = 08:00.
    assert built.intake_due_at == local(2026, 10, 12, 8, 0)
    # 75 % of those 2 h is 1 h 30: 1 h Friday, 30 min Monday from 07:00 = 07:30.
    assert built.deadline_check_at == local(2026, 10, 12, 7, 30)
    assert built.proposed_department == commune.committee
    assert [(e["kind"], e["created_at"]) for e in left["events"]] == [("submitted", FRIDAY_1600)]
    assert [(f["email"], f["is_reporter"]) for f in left["followers"]] == [("an@example.vn", True)]
    assert [(e["template"], e["recipient"]) for e in left["emails"]] == [
        ("event_submitted", "an@example.vn")
    ]


def test_a_signed_in_reporter_files_with_the_accounts_details(catalogue):
    citizen = UserFactory(email="hoa.le@example.vn", full_name="Lê Thị Hoa", phone="0987654321")
    report = ReportFactory(reporter=citizen)
    assert (report.reporter, report.reporter_name, report.reporter_email) == (
        citizen,
        "Lê Thị Hoa",
        "hoa.le@example.vn",
    )
    assert report.reporter_phone == "0987654321"
    assert Follower.objects.get(report=report).user == citizen


def test_later_state_is_written_as_given_but_the_status_is_refused(catalogue):
    due = local(2026, 10, 12, 9, 0)
    report = ReportFactory(submitted_at=FRIDAY_1600, intake_due_at=due, priority="urgent")
    assert (report.intake_due_at, report.priority) == (due, "urgent")
    assert report.events.get().kind == ReportEvent.Kind.SUBMITTED
    with pytest.raises(TypeError):
        ReportFactory(status=Report.Status.ACCEPTED)
