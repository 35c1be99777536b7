"""Shared factories. Reports are filed through the real submission action, so a test's report
carries what a citizen's submission leaves: the ``submitted`` event, the intake clock, the
reporter following it and the acknowledgement queued."""

from __future__ import annotations

import inspect
import io
from contextlib import nullcontext
from datetime import datetime

import factory
import time_machine
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from accounts.models import StaffMembership, User
from reports.handling.actions import report_accept
from reports.intake.actions import report_submit
from reports.models import Photo, Report
from services.models import Category, Commune, Department

PASSWORD = "correct horse battery"
# What a submission is given; any other field of a factory's report is a later state.
SUBMISSION_ARGUMENTS = frozenset(inspect.signature(report_submit).parameters)


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


def file_report(*, submitted_at: datetime | None = None, **arguments) -> Report:
    """``report_submit`` with the clock reading ``submitted_at`` (now when not given), so the
    event, the intake clock and the acknowledgement are all of that instant."""
    clock = time_machine.travel(submitted_at, tick=False) if submitted_at else nullcontext()
    with clock:
        return report_submit(**arguments)


def _unless_signed_in(value):
    # A signed-in citizen's contact details come from the account, as the form fills them.
    return factory.LazyAttribute(lambda report: "" if report.reporter else value)


class ReportFactory(factory.django.DjangoModelFactory):
    """A guest's report about road damage in the first commune, exactly as ``report_submit``
    leaves it: ``create()`` (the default) files it through the action at ``submitted_at``;
    ``reporter`` is the signed-in citizen who files it.

    Fields the submission does not take (a deadline, the priority) are then written onto the
    row as given, for tests about lists and filters. The status is refused: move the report
    with the handling actions. ``build()`` gives the unsaved row alone, for functions that
    take a report in memory."""

    class Meta:
        model = Report

    category = factory.LazyFunction(lambda: Category.objects.get(code="ROAD_DAMAGE"))
    commune = factory.LazyFunction(lambda: Commune.objects.order_by("code").first())
    title = factory.Sequence(lambda n: f"Ổ gà trên đường số {n}")
    description = "Ổ gà lớn giữa đường, xe máy dễ té."
    latitude = factory.LazyAttribute(lambda report: report.commune.latitude)
    longitude = factory.LazyAttribute(lambda report: report.commune.longitude)
    submitted_at = factory.LazyFunction(timezone.now)
    reporter = None
    reporter_name = _unless_signed_in("Trần Thị Mai")
    reporter_email = factory.LazyAttributeSequence(
        lambda report, n: "" if report.reporter else f"reporter{n}@example.vn"
    )

    @classmethod
    def _create(cls, model_class, *, submitted_at, reporter, **fields):
        if "status" in fields:
            raise TypeError("A report is filed as submitted; move it with the handling actions.")
        arguments = {
            name: fields.pop(name) for name in list(fields) if name in SUBMISSION_ARGUMENTS
        }
        report = file_report(submitted_at=submitted_at, acting_user=reporter, **arguments)
        if fields:
            Report.objects.filter(pk=report.pk).update(**fields)
            report.refresh_from_db()
        return report


class SubmittedReportFactory(ReportFactory):
    """The workflow tests' report: a guest who left a name, an email and a phone number."""

    reporter_name = _unless_signed_in("Nguyễn Văn An")
    reporter_phone = _unless_signed_in("0912345678")


def membership(user, *, role: str, department_code: str | None) -> StaffMembership:
    department = Department.objects.get(code=department_code) if department_code else None
    return StaffMembership.objects.create(user=user, role=role, department=department)


def intake_officer() -> User:
    user = StaffFactory()
    membership(user, role=StaffMembership.Role.INTAKE_OFFICER, department_code="IOC")
    return user


def publish(report: Report) -> Report:
    """The report accepted by the intake centre, which makes it public."""
    return report_accept(report=report, acting_user=intake_officer())


def jpeg_upload(name="photo.jpg", size=(640, 480), colour=(200, 80, 40), exif=None):
    buffer = io.BytesIO()
    image = Image.new("RGB", size, colour)
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(buffer, format="JPEG", **kwargs)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def submit_report(*, submitted_at: datetime | None = None, **overrides) -> Report:
    """A report through the real action, in Phường An Xuyên by default, at ``submitted_at``
    when given."""
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
    return file_report(submitted_at=submitted_at, **values)


class StaffMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMembership

    user = factory.SubFactory(StaffFactory)
    role = StaffMembership.Role.AGENCY_OFFICER


def jpeg_bytes(size=(64, 48), color=(200, 80, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG")
    return buffer.getvalue()


def staged_photo(**kwargs) -> Photo:
    """A processed photo not attached to a report yet, as the upload step and the images
    worker leave it."""
    photo = Photo(**{"state": Photo.State.READY, **kwargs})
    photo.image.save("photo.jpg", ContentFile(jpeg_bytes()), save=False)
    photo.width, photo.height = 64, 48
    photo.save()
    return photo
