"""Entering a report for a resident, through the staff dashboard over HTTP."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reports.models import Follower, Report, ReportEvent
from reports.private_link import private_token
from tests.reports.photo_samples import phone_jpeg

pytestmark = pytest.mark.django_db
NEW = reverse("assisted:new")


def _post(client, user, data, **extra):
    client.force_login(user)
    return client.post(NEW, data, **extra)


def test_the_operator_files_a_phone_report_for_the_resident(client, desk, call):
    client.force_login(desk.operator)
    form_page = client.get(NEW)
    assert form_page.status_code == 200
    page = form_page.content.decode()
    # The consent to read aloud, in Vietnamese whatever the operator's screen language.
    assert "Cơ quan xử lý phản ánh có thể gọi cho ông/bà" in page
    assert 'list="category-options"' in page and '<datalist id="category-options">' in page

    response = client.post(NEW, call)

    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("assisted:entered", args=[report.tracking_code])
    assert report.source == "hotline"
    assert report.entered_by == desk.operator
    assert report.reporter is None  # the resident, not the operator, reported it
    assert report.reporter_name == "Bà Nguyễn Thị Sáu"
    assert report.reporter_phone == "0912 345 678"
    assert report.contact_allowed is True
    assert report.name_hidden is True
    assert report.category.code == "STREETLIGHT"
    assert report.commune == desk.commune
    assert report.title == "Đèn đường hư hỏng – Ấp 3, trước chợ"
    assert report.status == Report.Status.SUBMITTED
    event = report.events.get(kind=ReportEvent.Kind.SUBMITTED)
    assert event.actor == desk.operator
    assert event.data["channel"] == "hotline"
    assert event.data["contact_allowed"] is True
    assert event.data["consent_script"].startswith("Cơ quan xử lý phản ánh có thể gọi")
    # No email: the resident follows by SMS on the phone they gave, and nobody by email.
    followers = list(Follower.objects.filter(report=report).values_list("email", "phone"))
    assert followers == [("", "+84912345678")]

    done = client.get(response["Location"]).content.decode()
    assert report.tracking_code in done
    assert private_token(report.tracking_code) in done
    assert f"Mã tra cứu của ông/bà là {report.tracking_code}" in done
    assert "0912 345 678" in done


def test_english_screen_still_reads_the_consent_in_the_residents_language(client, desk, call):
    client.force_login(desk.operator)
    client.cookies["django_language"] = "en"
    page = client.get(NEW, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "May the agency that handles your report call you" in page
    assert "Cơ quan xử lý phản ánh có thể gọi cho ông/bà" in page
    client.post(NEW, {**call, "language": "en", "category": "broken streetlight"})
    report = Report.objects.get()
    assert report.language == "en"
    assert report.title == "Broken streetlight – Ấp 3, trước chợ"
    event = report.events.get(kind=ReportEvent.Kind.SUBMITTED)
    assert event.data["consent_script"].startswith("May the agency that handles your report")


def test_a_resident_with_an_email_follows_by_email(client, desk, call, mailoutbox):
    _post(client, desk.operator, {**call, "reporter_email": "sau@example.vn"})
    report = Report.objects.get()
    assert Follower.objects.get(report=report).email == "sau@example.vn"
    assert report.reporter is None


def test_the_answer_to_the_consent_must_be_recorded(client, desk, call):
    data = {key: value for key, value in call.items() if key != "contact_allowed"}
    response = _post(client, desk.operator, data)
    assert response.status_code == 400
    assert not Report.objects.exists()
    page = response.content.decode()
    assert "Đọc câu hỏi cho người dân nghe và ghi lại câu trả lời." in page
    assert 'aria-live="assertive"' in page
    # What was typed is kept.
    assert "Bà Nguyễn Thị Sáu" in page and "Ấp 3, trước chợ" in page


def test_no_means_no_contact(client, desk, call):
    _post(client, desk.operator, {**call, "contact_allowed": "no"})
    report = Report.objects.get()
    assert report.contact_allowed is False
    assert report.events.get(kind="submitted").data["contact_allowed"] is False


def test_a_phone_or_an_email_is_needed_to_tell_the_resident(client, desk, call):
    response = _post(client, desk.operator, {**call, "reporter_phone": ""})
    assert response.status_code == 400
    assert "Hãy nhập số điện thoại (hoặc email) của người dân" in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Report.objects.exists()


def test_a_resident_with_only_a_landline_is_asked_for_a_mobile_or_an_email(client, desk, call):
    landline = {**call, "reporter_email": "", "reporter_phone": "0290 3831 234"}
    response = _post(client, desk.operator, landline)
    assert response.status_code == 400
    assert "Tin nhắn không gửi được đến số này" in response.content.decode()
    assert not Report.objects.exists()
    response = _post(client, desk.operator, {**landline, "reporter_phone": "0912.345.678"})
    assert Report.objects.get().reporter_phone == "0912.345.678"


def test_an_ambiguous_category_lists_the_matches(client, desk, call):
    response = _post(client, desk.operator, {**call, "category": "hu hong"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "“hu hong” khớp với nhiều loại vấn đề" in page
    for name in ("Hư hỏng mặt đường, ổ gà", "Cầu, cống hư hỏng", "Đèn đường hư hỏng"):
        assert name in page
    assert not Report.objects.exists()


def test_an_unknown_category_or_commune_is_refused_in_words(client, desk, call):
    response = _post(client, desk.operator, {**call, "category": "zzz", "commune": "Atlantis"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Không có loại vấn đề nào khớp với “zzz”" in page
    assert "Không có xã, phường nào khớp với “Atlantis”" in page


def test_a_former_commune_name_finds_the_merged_commune(client, desk, call):
    _post(client, desk.operator, {**call, "commune": "Ngan Dua"})
    assert Report.objects.get().commune.name == "Xã Hồng Dân"


def test_a_retried_post_files_once(client, desk, call):
    key = str(uuid.uuid4())
    first = _post(client, desk.operator, {**call, "client_key": key})
    second = _post(client, desk.operator, {**call, "client_key": key})
    assert Report.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_a_pin_outside_the_province_is_refused_and_the_rest_kept(client, desk, call):
    response = _post(client, desk.operator, {**call, "latitude": "21.03", "longitude": "105.85"})
    assert response.status_code == 400
    assert "nằm ngoài tỉnh Cà Mau" in response.content.decode()
    assert not Report.objects.exists()


def test_photos_from_the_helpers_phone_go_through_the_photo_pipeline(
    client, desk, call, django_capture_on_commit_callbacks
):
    upload = SimpleUploadedFile("IMG_0001.jpg", phone_jpeg(), content_type="image/jpeg")
    # The photo is processed by the images task once the submission commits.
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, desk.helper, {**call, "source": "helper", "photos": [upload]})
    assert response.status_code == 302
    photo = Report.objects.get().photos.get()
    assert photo.is_ready
    with photo.image.open("rb") as stored:
        content = stored.read()
    assert b"SecretPhone" not in content and b"GPS" not in content


def test_the_helper_records_the_helper_channel_for_their_commune_only(client, desk, call):
    client.force_login(desk.helper)
    page = client.get(NEW).content.decode()
    assert f'value="{desk.commune.name}"' in page  # their one commune, filled in
    assert 'value="hotline"' not in page
    elsewhere = _post(
        client, desk.helper, {**call, "source": "helper", "commune": desk.other_commune.name}
    )
    assert elsewhere.status_code == 400
    hotline = _post(client, desk.helper, {**call})
    assert hotline.status_code == 400
    assert not Report.objects.exists()
    filed = _post(client, desk.helper, {**call, "source": "helper"})
    assert filed.status_code == 302
    assert Report.objects.get().source == "helper"


@pytest.mark.parametrize("who", ["officer", "manager", "leader", "citizen"])
def test_only_the_desk_and_helpers_enter_reports(client, desk, call, who):
    response = _post(client, getattr(desk, who), call)
    assert response.status_code == 403
    assert client.get(NEW).status_code == 403
    assert not Report.objects.exists()


def test_the_intake_centre_may_enter_reports_too(client, desk, call):
    assert _post(client, desk.intake, {**call, "source": "walk_in"}).status_code == 302
    assert Report.objects.get().entered_by == desk.intake


def test_signed_out_goes_to_the_staff_sign_in(client):
    response = client.get(NEW)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staff:login"))


def test_the_list_of_errors_follows_the_page(client, desk):
    response = _post(client, desk.operator, {"source": "hotline"})
    page = response.content.decode()
    start = page.index('id="form-errors"')
    summary = page[start : page.index("</ul>", start)]
    order = [
        summary.index(f'href="#id_{name}"')
        for name in (
            "reporter_name",
            "reporter_phone",
            "category",
            "description",
            "commune",
            "contact_allowed_0",
        )
    ]
    assert order == sorted(order)
