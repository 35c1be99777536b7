"""Shared factories. Reports need the ``catalogue`` fixture (real communes and categories)."""

from __future__ import annotations

import io

import factory
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from accounts.models import StaffMembership, User
from reports.intake.routing import proposed_department
from reports.models import Follower, Photo, Report
from reports.search import search_text_for
from services.models import Category, Commune, Department

PASSWORD = "correct horse battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"citizen{n}@example.vn")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    password = factory.django.Password(PASSWORD)
    email_verified = True


class StaffFactory(UserFactory):
    email = factory.Sequence(lambda n: f"staff{n}@camau.gov.vn")
    is_staff = True


class ReportFactory(factory.django.DjangoModelFactory):
    """A bare report row, for tests that need many reports fast; use ``submit_report`` for the
    real submission path."""

    class Meta:
        model = Report

    title = factory.Sequence(lambda n: f"Ổ gà trên đường số {n}")
    description = "Ổ gà lớn giữa đường, xe máy dễ té."
    category = factory.LazyFunction(lambda: Category.objects.filter(is_active=True).first())
    commune = factory.LazyFunction(lambda: Commune.objects.filter(is_active=True).first())
    submitted_at = factory.LazyFunction(timezone.now)
    reporter_name = "Trần Thị Mai"
    reporter_email = factory.Sequence(lambda n: f"reporter{n}@example.vn")


def membership(user, *, role: str, department_code: str | None) -> StaffMembership:
    department = Department.objects.get(code=department_code) if department_code else None
    return StaffMembership.objects.create(user=user, role=role, department=department)


def jpeg_upload(name="photo.jpg", size=(640, 480), colour=(200, 80, 40), exif=None):
    buffer = io.BytesIO()
    image = Image.new("RGB", size, colour)
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(buffer, format="JPEG", **kwargs)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def submit_report(**overrides):
    """A report through the real action, in Phường An Xuyên by default."""
    from reports.intake.actions import report_submit

    commune = overrides.pop("commune", None) or Commune.objects.get(name="Phường An Xuyên")
    category = overrides.pop("category", None) or Category.objects.get(code="ROAD_DAMAGE")
    values = {
        "category": category,
        "commune": commune,
        "title": "Ổ gà lớn trước chợ",
        "description": "Ổ gà sâu khoảng 20 cm, xe máy dễ té ngã.",
        "latitude": commune.latitude,
        "longitude": commune.longitude,
        "reporter_name": "Trần Thị Bình",
        "reporter_email": "binh.tran@example.vn",
        "reporter_phone": "0912 345 678",
        "language": "vi",
    }
    values.update(overrides)
    return report_submit(**values)


class StaffMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMembership

    user = factory.SubFactory(StaffFactory)
    role = StaffMembership.Role.AGENCY_OFFICER


class SubmittedReportFactory(ReportFactory):
    """A report as the submission leaves it (routed to an agency, searchable, its reporter
    following), written directly: faster than ``submit_report`` for many reports."""

    class Meta:
        model = Report
        skip_postgeneration_save = True

    category = factory.LazyFunction(lambda: Category.objects.get(code="ROAD_DAMAGE"))
    commune = factory.LazyFunction(lambda: Commune.objects.order_by("code").first())
    latitude = factory.LazyAttribute(lambda o: o.commune.latitude)
    longitude = factory.LazyAttribute(lambda o: o.commune.longitude)
    proposed_department = factory.LazyAttribute(
        lambda o: proposed_department(category=o.category, commune=o.commune)
    )
    reporter_name = "Nguyễn Văn An"
    reporter_phone = "0912345678"

    @factory.post_generation
    def search(obj, create, extracted, **kwargs):
        obj.search_text = search_text_for(obj)
        if create:
            Report.objects.filter(pk=obj.pk).update(search_text=obj.search_text)

    @factory.post_generation
    def follower(obj, create, extracted, **kwargs):
        """The reporter follows their own report, as the submission does."""
        if create and obj.reporter_email and extracted is not False:
            Follower.objects.create(report=obj, email=obj.reporter_email, is_reporter=True)
            Report.objects.filter(pk=obj.pk).update(follower_count=1)
            obj.follower_count = 1


def jpeg_bytes(size=(64, 48), color=(200, 80, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG")
    return buffer.getvalue()


def staged_photo(**kwargs) -> Photo:
    """A re-encoded photo not attached to a report yet, as the upload step leaves it."""
    photo = Photo(**kwargs)
    photo.image.save("photo.jpg", ContentFile(jpeg_bytes()), save=False)
    photo.width, photo.height = 64, 48
    photo.save()
    return photo
