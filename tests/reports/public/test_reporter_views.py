"""The reporter's side of the workflow on their private page: answer questions, rate."""

import pytest
from django.urls import reverse

from reports.handling import actions
from reports.models import Photo, Rating, Report, ReportEvent
from reports.private_link import private_report_url, private_token
from tests.factories import SubmittedReportFactory, jpeg_upload

pytestmark = pytest.mark.django_db
S = Report.Status


def urls(report, token=None):
    token = token or private_token(report.tracking_code)
    return (
        reverse("reports:provide_info", args=[report.tracking_code, token]),
        reverse("reports:rate", args=[report.tracking_code, token]),
    )


@pytest.fixture
def waiting(staff, in_progress):
    return actions.report_request_info(
        report=in_progress, acting_user=staff.officer, question="Ổ gà trước nhà số mấy?"
    )


def test_private_page_shows_the_question_and_takes_the_answer(client, waiting):
    page = client.get(private_report_url(waiting))
    html = page.content.decode()
    assert "Ổ gà trước nhà số mấy?" in html and 'id="provide-info"' in html
    info_url, _ = urls(waiting)
    response = client.post(info_url, {"text": "Trước nhà số 12, gần chợ."})
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == S.IN_PROGRESS
    event = ReportEvent.objects.filter(report=waiting).latest("id")
    assert event.kind == "info_provided" and event.public_message == "Trước nhà số 12, gần chợ."
    page = client.get(response["Location"])
    assert 'id="provide-info"' not in page.content.decode()
    assert "Trước nhà số 12, gần chợ." in page.content.decode()


def test_the_question_and_answer_are_not_public(client, staff, waiting):
    actions.report_provide_info(
        report=waiting, token=private_token(waiting.tracking_code), text="Số 12 đường Lý Văn Lâm"
    )
    public = client.get(waiting.get_absolute_url()).content.decode()
    assert "Ổ gà trước nhà số mấy?" not in public
    assert "Số 12 đường Lý Văn Lâm" not in public


def test_answer_with_photos(client, waiting):
    pytest.importorskip("reports.intake.photos")
    info_url, _ = urls(waiting)
    response = client.post(info_url, {"text": "", "photos": [jpeg_upload(), jpeg_upload()]})
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == S.IN_PROGRESS
    photos = Photo.objects.filter(report=waiting)
    assert photos.count() == 2 and {p.kind for p in photos} == {Photo.Kind.INFO}


def test_empty_answer_is_refused(client, waiting):
    info_url, _ = urls(waiting)
    response = client.post(info_url, {"text": "  "}, follow=True)
    waiting.refresh_from_db()
    assert waiting.status == S.WAITING_INFO
    assert response.context["messages"]


def test_a_wrong_token_finds_nothing(client, waiting):
    info_url, rate_url = urls(waiting, token="not-the-token")
    assert client.post(info_url, {"text": "x"}).status_code == 404
    assert client.post(rate_url, {"value": "satisfied"}).status_code == 404
    waiting.refresh_from_db()
    assert waiting.status == S.WAITING_INFO


def test_answering_when_nobody_asked(client, in_progress):
    info_url, _ = urls(in_progress)
    client.post(info_url, {"text": "x"})
    assert not ReportEvent.objects.filter(report=in_progress, kind="info_provided").exists()


def test_rate_satisfied(client, resolved):
    page = client.get(private_report_url(resolved)).content.decode()
    assert 'id="rate"' in page
    _, rate_url = urls(resolved)
    response = client.post(rate_url, {"value": "satisfied", "comment": "Nhanh, cảm ơn"})
    assert response.status_code == 302
    rating = Rating.objects.get(report=resolved)
    assert (rating.value, rating.comment) == ("satisfied", "Nhanh, cảm ơn")
    page = client.get(private_report_url(resolved)).content.decode()
    assert 'id="rate"' not in page and 'id="my-rating"' in page
    client.post(rate_url, {"value": "not_satisfied"})
    assert Rating.objects.filter(report=resolved).count() == 1


def test_not_satisfied_reopens_for_the_agency(client, staff, resolved):
    _, rate_url = urls(resolved)
    client.post(rate_url, {"value": "not_satisfied", "comment": "Vẫn còn ổ gà"})
    resolved.refresh_from_db()
    assert resolved.status == S.IN_PROGRESS
    client.force_login(staff.officer)
    inbox = client.get(reverse("staff:reports"))
    assert resolved.tracking_code in inbox.content.decode()


def test_the_reporter_account_is_named_on_the_answer(client, staff):
    report = actions.report_accept(
        report=SubmittedReportFactory(commune=staff.commune, reporter=staff.citizen),
        acting_user=staff.intake,
    )
    actions.report_request_info(report=report, acting_user=staff.intake, question="?")
    client.force_login(staff.citizen)
    info_url, _ = urls(report)
    client.post(info_url, {"text": "đây"})
    assert ReportEvent.objects.filter(report=report).latest("id").actor == staff.citizen


def test_public_page_shows_public_events_and_followers(client, staff, accepted):
    actions.report_post_update(report=accepted, acting_user=staff.officer, message="Đã khảo sát")
    actions.report_add_note(report=accepted, acting_user=staff.officer, text="ghi chú nội bộ")
    html = client.get(accepted.get_absolute_url()).content.decode()
    assert "Đã khảo sát" in html and "ghi chú nội bộ" not in html
    assert 'id="follower-count"' in html
    assert accepted.reporter_email not in html and accepted.reporter_phone not in html
