"""Nothing unprocessed is shown to anyone: a photo still being processed appears as a
placeholder with no address on the public page, the staff workbench and the report form;
the map popup and Open311 skip it; a photo that could not be read is listed nowhere public."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from reports.handling.actions import report_accept
from reports.intake.photos import photo_stage
from reports.models import Photo
from tests.factories import jpeg_upload, staged_photo

pytestmark = pytest.mark.django_db

PLACEHOLDER = "Ảnh đang được xử lý"


def pending_photo(report=None, position=0) -> Photo:
    """As the request leaves an upload: the original in private storage, no image yet."""
    photo = photo_stage(upload=jpeg_upload(), staged_by="uploader", position=position).photo
    if report is not None:
        Photo.objects.filter(pk=photo.pk).update(report=report, staged_by="")
        photo.refresh_from_db()
    return photo


def failed_photo(report) -> Photo:
    photo = Photo(report=report, state=Photo.State.FAILED, position=2, width=10, height=10)
    photo.save()
    return photo


@pytest.fixture
def public_with_photos(staff, submitted):
    ready = staged_photo(report=submitted, position=1)
    ready.thumbnail.save("t.jpg", ContentFile(b"thumbnail"), save=True)
    pending = pending_photo(submitted, position=0)
    failed = failed_photo(submitted)
    report = report_accept(report=submitted, acting_user=staff.intake)
    return report, ready, pending, failed


def test_public_page_shows_the_ready_photo_and_a_placeholder_for_the_other(
    client, public_with_photos
):
    report, ready, pending, failed = public_with_photos

    page = client.get(reverse("reports:detail", args=[report.tracking_code])).content.decode()

    assert ready.thumbnail.url in page and ready.image.url in page
    assert PLACEHOLDER in page
    assert page.count("photo-pending") == 1  # the pending one; the failed one is not listed
    assert pending.key not in page and "originals/" not in page
    assert "không đọc được" not in page.lower()


def test_staff_workbench_shows_placeholders_and_the_failed_photo_as_such(
    client, staff, public_with_photos
):
    report, ready, pending, _failed = public_with_photos
    client.force_login(staff.intake)

    page = client.get(reverse("staff:report", args=[report.tracking_code])).content.decode()

    assert ready.thumbnail.url in page
    assert PLACEHOLDER in page and "Không đọc được ảnh" in page
    assert pending.key not in page and "originals/" not in page


def test_map_popup_and_open311_skip_a_photo_still_being_processed(client, public_with_photos):
    report, ready, _pending, _failed = public_with_photos  # the pending one comes first
    code = report.tracking_code

    popup = client.get(f"/map/reports/{code}.json").json()
    (record,) = client.get(f"/open311/v2/requests/{code}.json").json()

    assert popup["photo"] == ready.thumbnail.url
    assert record["media_url"] == "http://testserver" + ready.image.url

    Photo.objects.filter(pk=ready.pk).update(state=Photo.State.PENDING)
    popup = client.get(f"/map/reports/{code}.json").json()
    (record,) = client.get(f"/open311/v2/requests/{code}.json").json()
    assert popup["photo"] is None and record["media_url"] is None


def test_the_report_form_keeps_a_pending_photo_as_a_placeholder(client, catalogue):
    client.get(reverse("reports:new"))
    session = client.session.session_key
    photo = photo_stage(upload=jpeg_upload(), staged_by=session).photo

    page = client.post(reverse("reports:new"), {"photo_keys": [photo.key], "title": ""})

    assert page.status_code == 400
    html = page.content.decode()
    assert f'value="{photo.key}"' in html  # kept for the next attempt
    assert PLACEHOLDER in html and "/media/" not in html


def test_admin_preview_names_the_state_instead_of_an_address(admin_client, catalogue):
    photo = pending_photo()
    page = admin_client.get(reverse("admin:reports_photo_changelist")).content.decode()
    assert photo.key in page and "/media/" not in page
    assert "đang xử lý" in page
