"""Shared test factories. Reports need the ``catalogue`` fixture (real communes and categories)."""

import io

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from accounts.models import StaffMembership, User
from reports.models import Follower, Photo, Report
from services.models import Category, Commune, Department


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"user{n}@example.vn")
    full_name = factory.Faker("name", locale="vi_VN")
    password = factory.django.Password("correct horse battery")


class StaffMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMembership

    user = factory.SubFactory(UserFactory, is_staff=True)
    role = StaffMembership.Role.AGENCY_OFFICER


def routed_department(category: Category, commune: Commune) -> Department:
    """The agency routing proposes for a category in a commune."""
    if category.handled_by == Category.HandledBy.COMMUNE:
        return commune.committee
    if category.handled_by == Category.HandledBy.DEPARTMENT:
        return category.department
    return Department.objects.get(code="IOC")


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Report
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Ổ gà trên đường số {n}")
    description = "Mặt đường hư hỏng nặng, xe máy dễ té ngã."
    category = factory.LazyFunction(lambda: Category.objects.get(code="ROAD_DAMAGE"))
    commune = factory.LazyFunction(lambda: Commune.objects.order_by("code").first())
    latitude = factory.LazyAttribute(lambda o: o.commune.latitude)
    longitude = factory.LazyAttribute(lambda o: o.commune.longitude)
    proposed_department = factory.LazyAttribute(lambda o: routed_department(o.category, o.commune))
    reporter_name = "Nguyễn Văn An"
    reporter_email = factory.Sequence(lambda n: f"reporter{n}@example.vn")
    reporter_phone = "0912345678"
    submitted_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def search(obj, create, extracted, **kwargs):
        from reports.search import search_text_for

        obj.search_text = search_text_for(obj)
        if create:
            Report.objects.filter(pk=obj.pk).update(search_text=obj.search_text)

    @factory.post_generation
    def follower(obj, create, extracted, **kwargs):
        """The reporter follows their own report, as the submission form does."""
        if create and obj.reporter_email and extracted is not False:
            Follower.objects.create(report=obj, email=obj.reporter_email, is_reporter=True)


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
