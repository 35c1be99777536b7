"""One report per client key, one photo per upload: a device retrying a submission whose
answer it lost, or two attempts racing, files and stages nothing twice
(reports.intake.actions.report_submit, reports.intake.photos.photo_stage_once)."""

import threading
import uuid
from pathlib import Path

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections

from camau_portal.notifications.models import OutboundEmail
from reports.intake import actions, photos
from reports.models import Follower, Photo, Report, ReportEvent
from tests.factories import jpeg_bytes, staged_photo, submit_report

KEY = uuid.UUID("5b0f7c1e-3c1d-4f6b-9a7e-2f4c8d9e0a11")


@pytest.mark.django_db
def test_a_repeated_key_returns_the_report_filed_first_and_writes_nothing(catalogue):
    first = submit_report(client_key=KEY, title="Sạt lở bờ kè ấp Mũi")
    again = submit_report(client_key=KEY, title="Sạt lở bờ kè ấp Mũi (gửi lại)")
    assert again.pk == first.pk and again.tracking_code == first.tracking_code
    assert again.title == "Sạt lở bờ kè ấp Mũi"
    assert Report.objects.count() == 1
    assert ReportEvent.objects.count() == 1
    assert Follower.objects.count() == 1
    assert OutboundEmail.objects.count() == 1


@pytest.mark.django_db
def test_the_retry_leaves_its_own_photos_staged(catalogue):
    owner = f"client-key:{KEY.hex}"
    first_photo, second_photo = staged_photo(staged_by=owner), staged_photo(staged_by=owner)
    first = submit_report(client_key=KEY, photo_keys=[first_photo.key], photos_staged_by=owner)
    submit_report(client_key=KEY, photo_keys=[second_photo.key], photos_staged_by=owner)
    assert list(first.photos.all()) == [first_photo]
    second_photo.refresh_from_db()
    assert second_photo.report is None  # discarded with other abandoned uploads after a day


@pytest.mark.django_db
def test_reports_without_a_key_or_with_different_keys_are_separate(catalogue):
    submit_report()
    submit_report()
    submit_report(client_key=uuid.uuid4())
    submit_report(client_key=uuid.uuid4())
    assert Report.objects.count() == 4
    assert Report.objects.filter(client_key__isnull=True).count() == 2


def in_parallel(function, times: int = 2) -> list:
    results, errors = [], []

    def run():
        try:
            results.append(function())
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions need PostgreSQL (set DATABASE_URL)")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_attempts_at_the_same_moment_file_one_report(catalogue, monkeypatch, postgres_only):
    attempts = 2
    # Both attempts look for the key before either has filed: both go on to insert, and the
    # database's unique index decides.
    both_looked = threading.Barrier(attempts)
    first_look = threading.local()
    look_up = actions.report_for_client_key

    def look_up_together(client_key):
        filed = look_up(client_key)
        if not getattr(first_look, "done", False):
            first_look.done = True
            both_looked.wait(timeout=10)
        return filed

    monkeypatch.setattr(actions, "report_for_client_key", look_up_together)
    codes = in_parallel(lambda: submit_report(client_key=KEY).tracking_code, times=attempts)
    report = Report.objects.get()
    assert codes == [report.tracking_code, report.tracking_code]
    assert ReportEvent.objects.filter(report=report).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_photo_sent_twice_at_the_same_moment_is_staged_once(
    monkeypatch, settings, tmp_path, postgres_only
):
    settings.MEDIA_ROOT = tmp_path
    originals = Path(storages["photo_originals"].location)

    def original_files() -> set:
        return {str(path.relative_to(originals)) for path in originals.rglob("*") if path.is_file()}

    before = original_files()
    # Both uploads are looked up (not staged yet) before either is stored.
    both_checking = threading.Barrier(2)
    inspect = photos.inspect_upload

    def inspect_together(upload):
        both_checking.wait(timeout=10)
        return inspect(upload)

    monkeypatch.setattr(photos, "inspect_upload", inspect_together)
    data = jpeg_bytes(size=(320, 240))
    owner = f"client-key:{KEY.hex}"
    keys = in_parallel(
        lambda: (
            photos.photo_stage_once(
                upload=SimpleUploadedFile("a.jpg", data, "image/jpeg"), staged_by=owner
            ).photo.key
        )
    )
    photo = Photo.objects.get()
    assert keys == [photo.key, photo.key]
    # The loser's original went with its row; the winner's was processed (Celery is eager
    # here), which leaves one clean photo and no original.
    assert original_files() - before == set()
    photo_files = [path for path in (tmp_path / "photos").rglob("*") if path.is_file()]
    assert [str(path.relative_to(tmp_path)) for path in photo_files] == [photo.image.name]
