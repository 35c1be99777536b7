import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.utils import timezone, translation
from PIL import Image

from reports.intake.photos import (
    photo_process,
    photo_stage,
    photo_stage_once,
    photo_thumbnail_make,
    photos_claim,
    staged_photo_discard,
    staged_photos_discard,
    staged_photos_drop,
)
from reports.intake.tasks import (
    discard_stale_staged_photos,
    make_photo_thumbnail,
    process_photo,
    queue_unprocessed_photos,
)
from reports.models import Photo
from tests.factories import ReportFactory, staged_photo
from tests.reports.photo_samples import GPS_LATITUDE, GPS_LONGITUDE, phone_jpeg

SESSION = "session-key-of-the-uploader"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """The public media folder, and the private one for originals beside it (not inside)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "photo_originals": {
            "BACKEND": "camau_portal.storage.PrivateFileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    return settings.MEDIA_ROOT


@pytest.fixture
def private(media):
    return media.parent / "private"


def stored_files(root) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def upload(name="IMG_0001.jpg", data=None):
    return SimpleUploadedFile(name, data if data is not None else phone_jpeg(), "image/jpeg")


def stage(staged_by=SESSION, **kwargs) -> Photo:
    return photo_stage(upload=upload(), staged_by=staged_by, **kwargs).photo


@pytest.mark.django_db
def test_staging_keeps_the_original_privately_and_decodes_nothing(
    media, private, django_capture_on_commit_callbacks
):
    data = phone_jpeg()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        staged = photo_stage(upload=upload(data=data), staged_by=SESSION)

    assert len(callbacks) == 1  # the pipeline is queued after the commit, not run here
    photo = Photo.objects.get()
    assert photo == staged.photo
    assert photo.state == Photo.State.PENDING
    assert photo.report is None and photo.staged_by == SESSION
    assert photo.kind == Photo.Kind.REPORT
    # From the header, before the orientation is applied (phone_jpeg is 96 x 64, rotated).
    assert (photo.width, photo.height) == (96, 64)
    assert staged.gps == pytest.approx((GPS_LATITUDE, GPS_LONGITUDE), abs=1e-5)
    assert not photo.image and not photo.thumbnail
    assert photo.full_url is None and photo.display_url is None
    assert stored_files(media) == []
    assert stored_files(private) == [photo.original.name]
    assert (private / photo.original.name).read_bytes() == data
    assert "IMG_0001" not in photo.original.name
    with pytest.raises(ValueError):
        photo.original.url  # noqa: B018 - an original has no address


@pytest.mark.django_db
def test_staging_then_the_pipeline_leaves_a_clean_ready_photo(
    media, private, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        staged = photo_stage(upload=upload(), staged_by=SESSION)

    # The pipeline task ran after the commit (Celery is eager in tests).
    photo = Photo.objects.get(pk=staged.photo.pk)
    assert photo.state == Photo.State.READY
    assert (photo.width, photo.height) == (64, 96)  # upright now
    with photo.image.open("rb") as stored:
        content = stored.read()
    assert b"Exif" not in content and b"SecretPhone" not in content
    assert Image.open(photo.thumbnail.path).size[1] <= 400
    assert photo.full_url == photo.image.url and photo.display_url == photo.thumbnail.url
    assert stored_files(media) == sorted([photo.image.name, photo.thumbnail.name])
    assert stored_files(private) == []  # the original is gone once the clean copy exists
    assert not photo.original


@pytest.mark.django_db
def test_processing_twice_keeps_the_first_result(media):
    photo = stage()

    assert process_photo.delay(photo.pk).get() == "processed"
    photo.refresh_from_db()
    names = stored_files(media)
    assert process_photo.delay(photo.pk).get() == "exists"
    assert make_photo_thumbnail.delay(photo.pk).get() == "exists"
    assert stored_files(media) == names
    assert photo_process(photo_id=photo.pk + 1000) == "missing"


@pytest.mark.django_db
def test_an_original_that_does_not_decode_fails_and_is_shown_to_nobody(media, private):
    data = phone_jpeg(size=(400, 300), gps=False)
    photo = photo_stage(upload=upload(data=data[: len(data) // 2]), staged_by=SESSION).photo
    assert photo.state == Photo.State.PENDING  # the header alone looked right

    assert photo_process(photo_id=photo.pk) == "failed"

    photo.refresh_from_db()
    assert photo.state == Photo.State.FAILED
    assert photo.full_url is None and photo.display_url is None
    assert stored_files(media) == [] and stored_files(private) == []
    assert photo_process(photo_id=photo.pk) == "failed"


@pytest.mark.django_db
def test_a_photo_discarded_while_it_was_processed_leaves_no_file(media, private, monkeypatch):
    photo = stage()
    real_save = FileSystemStorage.save

    def save_then_discard(storage, name, content, *args, **kwargs):
        saved = real_save(storage, name, content, *args, **kwargs)
        Photo.objects.filter(pk=photo.pk).delete()
        return saved

    monkeypatch.setattr(FileSystemStorage, "save", save_then_discard)

    assert photo_process(photo_id=photo.pk) == "missing"
    assert stored_files(media) == []


@pytest.mark.django_db
def test_the_pixels_of_one_submission_have_a_budget(settings, media, private):
    settings.PHOTO_SUBMISSION_MAX_PIXELS = 96 * 64 * 2  # two phone_jpeg photos
    photo_stage_once(upload=upload(data=phone_jpeg()), staged_by=SESSION)
    photo_stage_once(upload=upload(data=phone_jpeg(gps=False)), staged_by=SESSION)

    with translation.override("en"), pytest.raises(ValidationError) as caught:
        photo_stage_once(upload=upload("third.jpg", phone_jpeg(quality=80)), staged_by=SESSION)

    assert caught.value.code == "submission_too_many_pixels"
    assert "0.012288 megapixels in all" in caught.value.messages[0]
    assert Photo.objects.count() == 2 and len(stored_files(private)) == 2
    # Another owner's submission has its own budget; so has a single staging call.
    photo_stage_once(upload=upload(data=phone_jpeg(quality=80)), staged_by="another-session")
    with pytest.raises(ValidationError):
        photo_stage(upload=upload(), staged_by="x", pixels_before=96 * 64 * 2)


@pytest.mark.django_db
def test_dropping_the_photos_of_a_failed_submission_deletes_rows_and_files(
    media, private, catalogue, django_capture_on_commit_callbacks
):
    dropped = [stage(), stage()]
    attached = stage()
    Photo.objects.filter(pk=attached.pk).update(report=ReportFactory())

    with django_capture_on_commit_callbacks(execute=True):
        staged_photos_drop([*dropped, attached])

    assert list(Photo.objects.all()) == [attached]
    assert stored_files(private) == [attached.original.name]


@pytest.mark.django_db
def test_bad_file_is_refused_with_a_message_naming_it_and_leaves_nothing(media, private):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        photo_stage(upload=upload("notes.jpg", b"just some text"), staged_by=SESSION)

    message = caught.value.messages[0]
    assert "notes.jpg" in message
    assert "JPEG, PNG, WebP or HEIC" in message
    assert caught.value.code == "unsupported"
    assert not Photo.objects.exists()
    assert stored_files(media) == [] and stored_files(private) == []


@pytest.mark.django_db
def test_row_failure_removes_the_file(private, monkeypatch):
    def failing_save(self, *args, **kwargs):
        raise DatabaseError("connection lost")

    monkeypatch.setattr(Photo, "save", failing_save)

    with pytest.raises(DatabaseError):
        stage()

    monkeypatch.undo()
    assert not Photo.objects.exists()
    assert stored_files(private) == []


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
def test_a_photo_processed_before_thumbnails_came_with_it_gets_one_once(media):
    photo = staged_photo()  # ready, without a thumbnail

    assert photo_thumbnail_make(photo_id=photo.pk) == "made"
    photo.refresh_from_db()
    thumbnail_name = photo.thumbnail.name
    assert thumbnail_name.startswith("thumbs/")
    assert process_photo.delay(photo.pk).get() == "exists"
    photo.refresh_from_db()
    assert photo.thumbnail.name == thumbnail_name
    assert len([name for name in stored_files(media) if name.startswith("thumbs/")]) == 1
    assert photo_thumbnail_make(photo_id=photo.pk + 1000) == "missing"


@pytest.mark.django_db
def test_thumbnail_of_a_photo_discarded_meanwhile_leaves_no_file(media, monkeypatch):
    photo = staged_photo()
    real_save = FileSystemStorage.save

    def save_then_discard(storage, name, content, *args, **kwargs):
        saved = real_save(storage, name, content, *args, **kwargs)
        Photo.objects.filter(pk=photo.pk).delete()
        return saved

    monkeypatch.setattr(FileSystemStorage, "save", save_then_discard)

    assert photo_thumbnail_make(photo_id=photo.pk) == "missing"
    assert not [name for name in stored_files(media) if name.startswith("thumbs/")]


@pytest.mark.django_db
def test_cleanup_discards_stale_staged_photos_only(
    media, private, catalogue, django_capture_on_commit_callbacks
):
    fresh = stage()
    stale = stage()
    old_but_attached = stage()
    Photo.objects.filter(pk=old_but_attached.pk).update(report=ReportFactory())
    two_days_ago = timezone.now() - timedelta(days=2)
    Photo.objects.filter(pk__in=[stale.pk, old_but_attached.pk]).update(created_at=two_days_ago)
    process_photo.delay(stale.pk)
    stale.refresh_from_db()
    stale_pending = stage()
    Photo.objects.filter(pk=stale_pending.pk).update(created_at=two_days_ago)

    with django_capture_on_commit_callbacks(execute=True):
        assert discard_stale_staged_photos.delay().get() == 2

    assert set(Photo.objects.all()) == {fresh, old_but_attached}
    assert stored_files(media) == []  # the one processed photo was stale
    assert stored_files(private) == sorted([fresh.original.name, old_but_attached.original.name])


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
    media, private, django_capture_on_commit_callbacks
):
    photo = stage()

    assert not staged_photo_discard(key=photo.key, staged_by="someone-else")
    with django_capture_on_commit_callbacks(execute=True):
        assert staged_photo_discard(key=photo.key, staged_by=SESSION)

    assert not Photo.objects.exists()
    assert stored_files(media) == [] and stored_files(private) == []


@pytest.mark.django_db
def test_photos_whose_task_was_lost_are_queued_again():
    recent = stage()
    lost = stage()
    Photo.objects.filter(pk=lost.pk).update(created_at=timezone.now() - timedelta(minutes=30))

    assert queue_unprocessed_photos.delay().get() == 1

    lost.refresh_from_db()
    recent.refresh_from_db()
    assert lost.state == Photo.State.READY and lost.thumbnail
    assert recent.state == Photo.State.PENDING


@pytest.mark.django_db
def test_staging_needs_a_session_key():
    with pytest.raises(ValueError):
        photo_stage(upload=io.BytesIO(phone_jpeg()), staged_by="")


@pytest.mark.django_db
def test_the_same_upload_staged_again_by_its_owner_is_the_photo_staged_first(private, catalogue):
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
    assert len(stored_files(private)) == 4


@pytest.mark.django_db
def test_staging_stops_at_the_cap_but_a_repeat_still_answers(media):
    data = phone_jpeg()
    kept = photo_stage_once(upload=upload(data=data), staged_by=SESSION, max_staged=1)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        photo_stage_once(upload=upload(data=phone_jpeg(gps=False)), staged_by=SESSION, max_staged=1)
    assert error.value.messages == ["At most 1 photo per report."]
    repeat = photo_stage_once(upload=upload(data=data), staged_by=SESSION, max_staged=1)
    assert repeat.photo.pk == kept.photo.pk
