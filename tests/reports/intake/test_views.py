import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from reports.models import Photo, Report
from services.models import Category, Commune
from tests.factories import jpeg_upload, publish, submit_report

pytestmark = pytest.mark.django_db


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


def test_a_phone_that_is_no_number_is_refused_and_kept(client, form_data):
    response = client.post(reverse("reports:new"), {**form_data, "reporter_phone": "0123"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Nhập số điện thoại, ví dụ 0912 345 678." in html
    assert 'value="0123"' in html
    assert Report.objects.count() == 0


def test_a_landline_alone_is_refused_because_no_text_could_reach_it(client, form_data):
    # A Cà Mau landline (area code 290): a valid number, but the tracking code goes by SMS.
    landline = {**form_data, "reporter_email": "", "reporter_phone": "0290 3831 234"}
    response = client.post(reverse("reports:new"), landline)
    assert response.status_code == 400
    assert "Tin nhắn không gửi được đến số này" in response.content.decode()
    assert Report.objects.count() == 0
    # With an email the news goes there, and the landline stays for officers to call.
    response = client.post(reverse("reports:new"), {**landline, "reporter_email": "an@example.vn"})
    assert response.status_code == 302
    assert Report.objects.get().reporter_phone == "0290 3831 234"


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


def test_rate_limit_keeps_the_input(client, form_data, settings):
    settings.REPORT_SUBMIT_RATE = "2/h"
    for n in range(2):
        response = client.post(reverse("reports:new"), {**form_data, "title": f"Đèn hỏng số {n}"})
        assert response.status_code == 302
    response = client.post(reverse("reports:new"), {**form_data, "title": "Đèn hỏng số 3"})
    assert response.status_code == 429
    html = response.content.decode()
    assert "Đèn hỏng số 3" in html
    assert "Bạn đã gửi nhiều phản ánh trong thời gian ngắn" in html
    assert Report.objects.count() == 2


def test_over_the_rate_no_photo_is_read(client, form_data, settings, monkeypatch):
    settings.REPORT_SUBMIT_RATE = "1/h"
    assert client.post(reverse("reports:new"), form_data).status_code == 302
    staged = []
    monkeypatch.setattr(
        "reports.intake.submission.photo_stage_once", lambda **kw: staged.append(kw)
    )

    response = client.post(reverse("reports:new"), {**form_data, "photos": [jpeg_upload()]})

    assert response.status_code == 429
    assert staged == []
    assert Photo.objects.count() == 0


def test_forms_sent_back_for_corrections_use_no_allowance(client, form_data, settings):
    settings.REPORT_SUBMIT_RATE = "2/h"
    for _ in range(3):
        assert client.post(reverse("reports:new"), {**form_data, "title": ""}).status_code == 400
    for n in range(2):
        response = client.post(reverse("reports:new"), {**form_data, "title": f"Đèn hỏng số {n}"})
        assert response.status_code == 302
    assert client.post(reverse("reports:new"), form_data).status_code == 429


def test_the_rate_is_per_client_address_and_forged_headers_do_not_reset_it(form_data, settings):
    settings.REPORT_SUBMIT_RATE = "1/h"
    first = Client(REMOTE_ADDR="198.51.100.1")
    assert first.post(reverse("reports:new"), form_data).status_code == 302
    forged = first.post(reverse("reports:new"), form_data, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert forged.status_code == 429
    other = Client(REMOTE_ADDR="198.51.100.2")
    assert other.post(reverse("reports:new"), form_data).status_code == 302


def test_the_rate_is_counted_in_the_database_as_in_production(client, form_data, settings):
    """The deployed store (settings.py): a database table, so Redis going down changes nothing."""
    settings.CACHES = {
        **settings.CACHES,
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "portal_ratelimit",
        },
    }
    settings.REPORT_SUBMIT_RATE = "2/h"
    call_command("createcachetable", verbosity=0)
    statuses = [client.post(reverse("reports:new"), form_data).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM portal_ratelimit")
        assert cursor.fetchone() == (1,)


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
