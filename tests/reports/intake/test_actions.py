import pytest
from django.core.exceptions import ValidationError

from camau_portal.notifications.models import OutboundEmail
from reports.models import Follower, Report, ReportEvent
from reports.private_link import private_token, private_token_valid
from services.models import Category, Commune, Department
from tests.factories import submit_report
from tests.services.sla_calendars import local

pytestmark = pytest.mark.django_db


def test_submit_creates_a_report_awaiting_intake_with_its_clock_and_event(catalogue):
    friday_1630 = local(2026, 10, 9, 16, 30)
    report = submit_report(submitted_at=friday_1630)
    assert report.status == Report.Status.SUBMITTED
    assert report.tracking_code.startswith("CM-")
    # 2 working hours: 30 min Friday + 1 h 30 Monday from 07:00 = Monday 08:30.
    assert report.intake_due_at == local(2026, 10, 12, 8, 30)
    # The first reminder at 75 % (1 h 30): 30 min Friday + 1 h Monday = Monday 08:00.
    assert report.deadline_check_at == local(2026, 10, 12, 8, 0)
    assert not report.is_public
    event = report.events.get()
    assert (event.kind, event.created_at) == (ReportEvent.Kind.SUBMITTED, friday_1630)
    # Routing: road damage goes to the commune's People's Committee.
    assert report.proposed_department == Department.objects.get(commune=report.commune)
    assert "o ga lon truoc cho" in report.search_text


def test_reporter_follows_and_gets_an_acknowledgement(catalogue):
    report = submit_report(reporter_email="Binh.Tran@Example.VN")
    follower = Follower.objects.get(report=report)
    assert follower.is_reporter and follower.email == "binh.tran@example.vn"
    assert report.follower_count == 1
    email = OutboundEmail.objects.get(report_id=report.pk)
    assert email.template == "event_submitted"
    assert email.recipient == "binh.tran@example.vn"


def test_mobile_only_reporter_follows_by_sms(catalogue):
    report = submit_report(reporter_email="", reporter_phone="0912 345 678")
    follower = Follower.objects.get(report=report)
    assert (follower.is_reporter, follower.email, follower.phone) == (True, "", "+84912345678")
    row = OutboundEmail.objects.get(report_id=report.pk)
    assert (row.channel, row.recipient, row.template) == ("sms", "+84912345678", "event_submitted")
    # The reporter's number stays as they typed it, for staff who call back.
    assert report.reporter_phone == "0912 345 678"


def test_landline_only_reporter_has_no_follower_and_no_message(catalogue):
    # A landline cannot receive a text: nobody follows, nothing is queued.
    report = submit_report(reporter_email="", reporter_phone="0290 3831 234")
    assert not Follower.objects.filter(report=report).exists()
    assert not OutboundEmail.objects.exists()


def test_category_with_named_agency_and_urgent_default(catalogue):
    report = submit_report(category=Category.objects.get(code="POWER_HAZARD"))
    assert report.proposed_department.code == "DIEN_LUC"
    assert report.priority == Report.Priority.URGENT


def test_point_outside_the_province_is_refused_and_nothing_is_written(catalogue):
    with pytest.raises(ValidationError) as error:
        submit_report(latitude=10.776, longitude=106.700)
    assert "latitude" in error.value.message_dict
    assert Report.objects.count() == 0
    assert ReportEvent.objects.count() == 0


def test_boundary_mismatch_is_flagged_not_refused(catalogue):
    an_xuyen = Commune.objects.get(name="Phường An Xuyên")
    tan_thanh = Commune.objects.get(name="Phường Tân Thành")
    lat, lon = tan_thanh.latitude, tan_thanh.longitude
    tan_thanh.boundary = {
        "type": "Polygon",
        "coordinates": [
            [
                [lon - 0.01, lat - 0.01],
                [lon + 0.01, lat - 0.01],
                [lon + 0.01, lat + 0.01],
                [lon - 0.01, lat + 0.01],
                [lon - 0.01, lat - 0.01],
            ]
        ],
    }
    tan_thanh.save()
    report = submit_report(commune=an_xuyen, latitude=lat, longitude=lon)
    assert report.commune_mismatch


def test_private_token_is_bound_to_one_code(catalogue):
    report = submit_report()
    token = private_token(report.tracking_code)
    assert private_token_valid(report.tracking_code, token)
    assert not private_token_valid("CM-0000-0000", token)
    assert not private_token_valid(report.tracking_code, token[:-1] + "x")
    assert not private_token_valid(report.tracking_code, "")


def test_following_twice_counts_once(catalogue):
    from reports.subscriptions import follower_confirm, report_follow_request

    report = submit_report()
    follower = report_follow_request(report=report, email="an@example.vn", language="en")
    follower_confirm(follower=follower)
    report_follow_request(report=report, email="AN@example.vn", language="en")
    follower_confirm(follower=follower)
    report.refresh_from_db()
    assert report.follower_count == 2
    assert report.followers.filter(email="an@example.vn").count() == 1


def test_guest_report_with_a_confirmed_accounts_email_joins_it(catalogue):
    from tests.factories import UserFactory

    user = UserFactory(email="binh.tran@example.vn", email_verified=True)
    report = submit_report(reporter_email="Binh.Tran@example.vn")
    assert report.reporter == user
    unconfirmed = UserFactory(email="chua@example.vn", email_verified=False)
    other = submit_report(reporter_email="chua@example.vn")
    assert other.reporter is None and unconfirmed.reports.count() == 0
