import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.utils import timezone, translation
from PIL import Image

from reports.intake.photos import (
    photo_stage,
    photo_stage_once,
    photo_thumbnail_make,
    photos_claim,
    staged_photo_discard,
    staged_photos_discard,
)
from reports.intake.tasks import (
    discard_stale_staged_photos,
    make_photo_thumbnail,
    queue_missing_thumbnails,
)
from reports.models import Photo
from tests.factories import ReportFactory
from tests.reports.photo_samples import GPS_LATITUDE, GPS_LONGITUDE, phone_jpeg

SESSION = "session-key-of-the-uploader"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def upload(name="IMG_0001.jpg", data=None):
    return SimpleUploadedFile(name, data if data is not None else phone_jpeg(), "image/jpeg")


def stage(staged_by=SESSION, **kwargs) -> Photo:
    return photo_stage(upload=upload(), staged_by=staged_by, **kwargs).photo


@pytest.mark.django_db
def test_staging_stores_a_clean_file_and_a_staged_row(media, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        staged = photo_stage(upload=upload(), staged_by=SESSION)

    photo = Photo.objects.get()
    assert photo == staged.photo
    assert photo.report is None
    assert photo.staged_by == SESSION
    assert photo.kind == Photo.Kind.REPORT
    assert (photo.width, photo.height) == (64, 96)
    assert staged.gps == pytest.approx((GPS_LATITUDE, GPS_LONGITUDE), abs=1e-5)
    with photo.image.open("rb") as stored:
        content = stored.read()
    assert b"Exif" not in content and b"SecretPhone" not in content
    # The thumbnail task ran after the commit (Celery is eager in tests).
    assert photo.thumbnail
    assert Image.open(photo.thumbnail.path).size[1] <= 400
    assert stored_files(media) == sorted([photo.image.name, photo.thumbnail.name])


@pytest.mark.django_db
def test_thumbnail_is_not_made_in_the_request(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        photo = stage()

    assert len(callbacks) == 1
    photo.refresh_from_db()
    assert not photo.thumbnail


@pytest.mark.django_db
def test_bad_file_is_refused_with_a_message_naming_it_and_leaves_nothing(media):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        photo_stage(upload=upload("notes.jpg", b"just some text"), staged_by=SESSION)

    message = caught.value.messages[0]
    assert "notes.jpg" in message
    assert "JPEG, PNG, WebP or HEIC" in message
    assert caught.value.code == "unsupported"
    assert not Photo.objects.exists()
    assert stored_files(media) == []


@pytest.mark.django_db
def test_row_failure_removes_the_file(media, monkeypatch):
    def failing_save(self, *args, **kwargs):
        raise DatabaseError("connection lost")

    monkeypatch.setattr(Photo, "save", failing_save)

    with pytest.raises(DatabaseError):
        stage()

    monkeypatch.undo()
    assert not Photo.objects.exists()
    assert stored_files(media) == []


@pytest.mark.django_db
def test_staging_inside_another_transaction_is_refused():
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        stage()


@pytest.mark.django_db
def test_claim_returns_only_this_sessions_staged_photos_in_the_given_order(catalogue):
    first, second, third = stage(), stage(), stage()
    other_session = stage(staged_by="someone-else")
    attached = stage()
    Photo.objects.filter(pk=attached.pk).update(report=ReportFactory())

    keys = [third.key, other_session.key, first.key, attached.key, "unknown", first.key]
    claimed = photos_claim(keys=keys, staged_by=SESSION)

    assert claimed == [third, first]
    assert second not in claimed
    assert photos_claim(keys=[first.key], staged_by="") == []
    assert photos_claim(keys=[first.key], staged_by="someone-else") == []


@pytest.mark.django_db
def test_thumbnail_task_makes_it_once(media):
    photo = stage()

    assert make_photo_thumbnail.delay(photo.pk).get() == "made"
    photo.refresh_from_db()
    thumbnail_name = photo.thumbnail.name
    assert thumbnail_name.startswith("thumbs/")
    assert make_photo_thumbnail.delay(photo.pk).get() == "exists"
    photo.refresh_from_db()
    assert photo.thumbnail.name == thumbnail_name
    assert len([name for name in stored_files(media) if name.startswith("thumbs/")]) == 1
    assert photo_thumbnail_make(photo_id=photo.pk + 1000) == "missing"


@pytest.mark.django_db
def test_thumbnail_of_a_photo_discarded_meanwhile_leaves_no_file(media, monkeypatch):
    photo = stage()
    real_save = default_storage.save

    def save_then_discard(name, content, *args, **kwargs):
        saved = real_save(name, content, *args, **kwargs)
        Photo.objects.filter(pk=photo.pk).delete()
        return saved

    monkeypatch.setattr(default_storage, "save", save_then_discard)

    assert photo_thumbnail_make(photo_id=photo.pk) == "missing"
    assert not [name for name in stored_files(media) if name.startswith("thumbs/")]


@pytest.mark.django_db
def test_cleanup_discards_stale_staged_photos_only(
    media, catalogue, django_capture_on_commit_callbacks
):
    fresh = stage()
    stale = stage()
    old_but_attached = stage()
    Photo.objects.filter(pk=old_but_attached.pk).update(report=ReportFactory())
    two_days_ago = timezone.now() - timedelta(days=2)
    Photo.objects.filter(pk__in=[stale.pk, old_but_attached.pk]).update(created_at=two_days_ago)
    make_photo_thumbnail.delay(stale.pk)
    stale.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        assert discard_stale_staged_photos.delay().get() == 1

    assert set(Photo.objects.all()) == {fresh, old_but_attached}
    files = stored_files(media)
    assert stale.image.name not in files
    assert stale.thumbnail.name not in files
    assert fresh.image.name in files and old_but_attached.image.name in files


@pytest.mark.django_db
def test_cleanup_works_in_batches(django_capture_on_commit_callbacks):
    photos = [stage() for _ in range(5)]
    Photo.objects.update(created_at=timezone.now() - timedelta(days=2))

    with django_capture_on_commit_callbacks(execute=True):
        discarded = staged_photos_discard(
            older_than=timezone.now() - timedelta(days=1), batch_size=2
        )

    assert discarded == len(photos)
    assert not Photo.objects.exists()


@pytest.mark.django_db
def test_reporter_can_take_back_only_their_own_staged_photo(
    media, django_capture_on_commit_callbacks
):
    photo = stage()

    assert not staged_photo_discard(key=photo.key, staged_by="someone-else")
    with django_capture_on_commit_callbacks(execute=True):
        assert staged_photo_discard(key=photo.key, staged_by=SESSION)

    assert not Photo.objects.exists()
    assert stored_files(media) == []


@pytest.mark.django_db
def test_lost_thumbnail_tasks_are_queued_again():
    recent = stage()
    lost = stage()
    Photo.objects.filter(pk=lost.pk).update(created_at=timezone.now() - timedelta(minutes=30))

    assert queue_missing_thumbnails.delay().get() == 1

    lost.refresh_from_db()
    recent.refresh_from_db()
    assert lost.thumbnail and not recent.thumbnail


@pytest.mark.django_db
def test_staging_needs_a_session_key():
    with pytest.raises(ValueError):
        photo_stage(upload=io.BytesIO(phone_jpeg()), staged_by="")


@pytest.mark.django_db
def test_the_same_upload_staged_again_by_its_owner_is_the_photo_staged_first(media, catalogue):
    data = phone_jpeg()
    first = photo_stage_once(upload=upload(data=data), staged_by=SESSION)
    again = photo_stage_once(upload=upload(data=data), staged_by=SESSION, position=3)
    assert again.photo.pk == first.photo.pk and again.photo.position == 0
    assert first.gps == pytest.approx((GPS_LATITUDE, GPS_LONGITUDE)) and again.gps is None
    other_owner = photo_stage_once(upload=upload(data=data), staged_by="another-session")
    other_bytes = photo_stage_once(upload=upload(data=phone_jpeg(gps=False)), staged_by=SESSION)
    assert len({first.photo.pk, other_owner.photo.pk, other_bytes.photo.pk}) == 3
    # Once attached to a report, the same bytes are a new upload.
    Photo.objects.filter(pk=first.photo.pk).update(report=ReportFactory(), staged_by="")
    assert photo_stage_once(upload=upload(data=data), staged_by=SESSION).photo.pk != first.photo.pk
    assert len(stored_files(media)) == 4


@pytest.mark.django_db
def test_staging_stops_at_the_cap_but_a_repeat_still_answers(media):
    data = phone_jpeg()
    kept = photo_stage_once(upload=upload(data=data), staged_by=SESSION, max_staged=1)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        photo_stage_once(upload=upload(data=phone_jpeg(gps=False)), staged_by=SESSION, max_staged=1)
    assert error.value.messages == ["At most 1 photo per report."]
    repeat = photo_stage_once(upload=upload(data=data), staged_by=SESSION, max_staged=1)
    assert repeat.photo.pk == kept.photo.pk
