from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from reports.intake.photo_fields import PhotosField


class ReportPhotosForm(forms.Form):
    photos = PhotosField()


def files(count):
    return [SimpleUploadedFile(f"p{i}.jpg", b"x", "image/jpeg") for i in range(count)]


def _multi(count):
    from django.utils.datastructures import MultiValueDict

    return MultiValueDict({"photos": files(count)})


def test_up_to_the_limit_cleans_to_a_list(settings):
    settings.PHOTOS_PER_REPORT = 5
    form = ReportPhotosForm(data={}, files=_multi(5))

    assert form.is_valid(), form.errors
    assert [photo.name for photo in form.cleaned_data["photos"]] == [f"p{i}.jpg" for i in range(5)]


def test_no_photos_is_fine():
    form = ReportPhotosForm(data={}, files=_multi(0))

    assert form.is_valid()
    assert form.cleaned_data["photos"] == []


def test_more_than_the_limit_is_a_translated_error():
    with translation.override("en"):
        form = ReportPhotosForm(data={}, files=_multi(6))
        assert not form.is_valid()
        assert form.errors["photos"] == ["At most 5 photos per report."]
    with translation.override("vi"):
        form = ReportPhotosForm(data={}, files=_multi(6))
        form.is_valid()
        assert form.errors["photos"] == ["Tối đa 5 ảnh cho mỗi phản ánh."]


def test_widget_carries_limits_and_messages_for_the_script():
    with translation.override("en"):
        html = str(ReportPhotosForm()["photos"])

    assert "data-photo-input" in html
    assert "multiple" in html and 'accept="image/*"' in html
    assert 'data-max-files="5"' in html
    assert 'data-max-edge="2048"' in html
    assert "At most %(max)s photos per report." in html
    assert "%(name)s is too large: at most 12 MB per photo." in html
