"""Shared factories. Reports need the ``catalogue`` fixture (real communes and categories)."""

from __future__ import annotations

import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from accounts.models import StaffMembership, User
from reports.models import Report
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
    from reports.actions.submission import report_submit

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
