import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from reports.models import Photo, Report, ReportEvent
from reports.private_link import private_report_url
from services.models import Category, Commune
from tests.factories import jpeg_upload, submit_report

pytestmark = pytest.mark.django_db


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
        "address": "Trước số 120 Lý Thường Kiệt",
        "reporter_name": "Lê Văn Cường",
        "reporter_email": "cuong@example.vn",
        "reporter_phone": "",
        "name_hidden": "on",
    }


def publish(report):
    Report.objects.filter(pk=report.pk).update(
        status=Report.Status.ACCEPTED, published_at=timezone.now(), accepted_at=timezone.now()
    )
    report.refresh_from_db()
    return report


def test_form_page_renders_in_vietnamese_by_default(client, catalogue):
    response = client.get(reverse("reports:new"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="vi"' in html
    assert "Phường An Xuyên" in html
    assert "<optgroup" in html  # categories grouped


def test_form_page_in_english(client, catalogue):
    client.cookies["django_language"] = "en"
    response = client.get(reverse("reports:new"))
    assert 'lang="en"' in response.content.decode()
    assert "Report a problem" in response.content.decode()


def test_submit_with_photo_then_confirmation_and_private_link(
    client, form_data, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:new"), {**form_data, "photos": [jpeg_upload()]})
    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:submitted", args=[report.tracking_code])
    assert report.reporter_email == "cuong@example.vn"
    assert report.photos.count() == 1
    photo = report.photos.get()
    assert photo.staged_by == "" and photo.kind == Photo.Kind.REPORT

    page = client.get(response["Location"]).content.decode()
    assert report.tracking_code in page
    # The confirmation gives the private link, which opens the report before it is public.
    link = re.search(rf'href="[^"]*(/reports/{report.tracking_code}/p/[^/"]+/)"', page).group(1)
    private_page = client.get(link)
    assert private_page.status_code == 200 and report.title in private_page.content.decode()

    # The acknowledgement went out (through the outbox, sent by the task after commit).
    assert len(mail.outbox) == 1
    assert report.tracking_code in mail.outbox[0].subject + mail.outbox[0].body


def test_errors_are_shown_next_to_fields_and_everything_is_kept(client, form_data):
    data = {**form_data, "title": "", "photos": [jpeg_upload()]}
    response = client.post(reverse("reports:new"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert Report.objects.count() == 0
    assert "Trường này là bắt buộc." in html  # translated, next to the title field
    assert "Ba bóng đèn trên đường Lý Thường Kiệt" in html
    assert 'value="cuong@example.vn"' in html
    # The photo was staged and is offered again; resubmitting attaches it.
    key = Photo.objects.get().key
    assert f'name="photo_keys" value="{key}"' in html
    response = client.post(reverse("reports:new"), {**form_data, "photo_keys": [key]})
    assert response.status_code == 302
    assert Report.objects.get().photos.get().key == key


def test_point_outside_province_is_refused_with_a_clear_message(client, form_data):
    response = client.post(
        reverse("reports:new"), {**form_data, "latitude": "10.776", "longitude": "106.700"}
    )
    assert response.status_code == 400
    assert "ngoài tỉnh Cà Mau" in response.content.decode()
    assert Report.objects.count() == 0


def test_contact_is_required_for_guests(client, form_data):
    response = client.post(reverse("reports:new"), {**form_data, "reporter_email": ""})
    assert response.status_code == 400
    assert Report.objects.count() == 0


def test_works_without_coordinates(client, form_data):
    response = client.post(reverse("reports:new"), {**form_data, "latitude": "", "longitude": ""})
    assert response.status_code == 302
    assert Report.objects.get().latitude is None


def test_not_an_image_is_refused_and_form_kept(client, form_data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("virus.jpg", b"MZ this is not an image", content_type="image/jpeg")
    response = client.post(reverse("reports:new"), {**form_data, "photos": [fake]})
    assert response.status_code == 400
    assert "virus.jpg" in response.content.decode()
    assert Report.objects.count() == 0
    assert Photo.objects.count() == 0


def test_nearby_open_reports_are_offered_before_submitting(client, form_data):
    category = Category.objects.get(pk=form_data["category"])
    existing = publish(
        submit_report(
            category=category,
            latitude=float(form_data["latitude"]) + 0.0005,
            longitude=float(form_data["longitude"]),
        )
    )
    response = client.post(reverse("reports:new"), form_data)
    assert response.status_code == 200
    html = response.content.decode()
    assert existing.tracking_code in html
    assert Report.objects.count() == 1
    # "Submit anyway" goes through.
    response = client.post(reverse("reports:new"), {**form_data, "nearby_checked": "True"})
    assert response.status_code == 302
    assert Report.objects.count() == 2


def test_follow_this_one_instead(client, form_data):
    category = Category.objects.get(pk=form_data["category"])
    existing = publish(
        submit_report(
            category=category,
            latitude=float(form_data["latitude"]),
            longitude=float(form_data["longitude"]),
        )
    )
    response = client.post(reverse("reports:follow", args=[existing.tracking_code]), form_data)
    assert response.status_code == 302
    existing.refresh_from_db()
    assert existing.follower_count == 2
    assert existing.followers.filter(email="cuong@example.vn").exists()


def test_rate_limit_keeps_the_input(client, form_data, settings):
    settings.REPORT_SUBMIT_RATE = "2/10m"
    for n in range(2):
        assert (
            client.post(
                reverse("reports:new"), {**form_data, "title": f"Đèn hỏng số {n}"}
            ).status_code
            == 302
        )
    response = client.post(reverse("reports:new"), {**form_data, "title": "Đèn hỏng số 3"})
    assert response.status_code == 429
    assert "Đèn hỏng số 3" in response.content.decode()
    assert Report.objects.count() == 2


def test_unpublished_report_is_private(client, catalogue):
    report = submit_report()
    response = client.get(reverse("reports:detail", args=[report.tracking_code]))
    assert response.status_code == 404
    assert report.title not in response.content.decode()
    private = client.get(private_report_url(report))
    assert private.status_code == 200
    assert report.title in private.content.decode()
    forged = client.get(reverse("reports:private", args=[report.tracking_code, "forged-token"]))
    assert forged.status_code == 404


def test_public_page_shows_no_personal_data(client, catalogue):
    report = publish(submit_report(name_hidden=True))
    html = client.get(reverse("reports:detail", args=[report.tracking_code])).content.decode()
    assert report.title in html
    for secret in ["Trần Thị Bình", "Bình", "binh.tran@example.vn", "0912 345 678", "345 678"]:
        assert secret not in html


def test_shown_name_is_the_given_name_only(client, catalogue):
    report = publish(submit_report(name_hidden=False))
    html = client.get(reverse("reports:detail", args=[report.tracking_code])).content.decode()
    assert "Bình" in html
    assert "Trần Thị Bình" not in html
    assert "binh.tran@example.vn" not in html


def test_track_finds_by_code_as_typed(client, catalogue):
    report = publish(submit_report())
    typed = report.tracking_code.lower().replace("-", " ")
    response = client.post(reverse("reports:track"), {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:detail", args=[report.tracking_code])
    missing = client.post(reverse("reports:track"), {"code": "CM-0000-0000"})
    assert missing.status_code == 400


def test_commune_for_point(client, catalogue):
    commune = Commune.objects.get(name="Phường An Xuyên")
    data = client.get(
        reverse("reports:commune_for_point"),
        {"latitude": commune.latitude, "longitude": commune.longitude},
    ).json()
    assert data["inside_province"] and data["commune"]["id"] == commune.pk
    outside = client.get(
        reverse("reports:commune_for_point"), {"latitude": 21.03, "longitude": 105.85}
    ).json()
    assert outside["inside_province"] is False


def test_home_shows_public_reports_only(client, catalogue):
    public = publish(submit_report(title="Cống nghẹt đường Phan Ngọc Hiển"))
    hidden = submit_report(title="Chưa tiếp nhận")
    html = client.get("/").content.decode()
    assert public.title in html and hidden.title not in html
    assert re.search(r'id="count-total">\s*1<', html)


def test_before_publication_only_intake_and_the_agency_staff_see_the_report(client, catalogue):
    from accounts.models import StaffMembership
    from tests.factories import StaffFactory, membership

    report = submit_report()
    url = reverse("reports:detail", args=[report.tracking_code])
    intake = StaffFactory()
    membership(intake, role=StaffMembership.Role.INTAKE_OFFICER, department_code="IOC")
    other_agency = StaffFactory()
    membership(other_agency, role=StaffMembership.Role.AGENCY_OFFICER, department_code="DIEN_LUC")

    client.force_login(other_agency)
    assert client.get(url).status_code == 404
    client.force_login(intake)
    response = client.get(url)
    assert response.status_code == 200 and report.title in response.content.decode()


def test_home_and_report_page_query_counts_do_not_grow_with_rows(client, catalogue):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    report = publish(submit_report(photo_keys=[]))
    home_small, page_small = count("/"), count(report.get_absolute_url())
    for n in range(6):
        other = publish(submit_report(title=f"Cống nghẹt số {n}"))
        ReportEvent.objects.create(
            report=report,
            kind=ReportEvent.Kind.PUBLIC_UPDATE,
            created_at=timezone.now(),
            is_public=True,
            public_message=f"Cập nhật {n}",
            department=other.proposed_department,
        )
    assert count("/") == home_small
    assert count(report.get_absolute_url()) == page_small
