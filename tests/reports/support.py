"""Test data for the deadline and email tests. Reports need the ``catalogue`` fixture."""

from unittest import mock

import factory
from django.utils import timezone

from accounts.models import StaffMembership, User
from reports.models import Follower, Report, ReportEvent
from services.models import Category, Commune


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    preferred_language = "vi"
    password = factory.django.Password("correct horse battery staple")


class StaffMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMembership

    user = factory.SubFactory(UserFactory, is_staff=True)
    role = StaffMembership.Role.AGENCY_OFFICER


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Report

    title = factory.Sequence(lambda n: f"Ổ gà trên đường số {n}")
    description = "Mặt đường bị sụt lún, xe máy dễ té ngã."
    category = factory.LazyFunction(lambda: Category.objects.get(code="ROAD_DAMAGE"))
    commune = factory.LazyFunction(lambda: Commune.objects.order_by("code").first())
    submitted_at = factory.LazyFunction(timezone.now)
    reporter_name = "Trần Thị Bé"
    reporter_email = factory.Sequence(lambda n: f"reporter{n}@example.org")
    reporter_phone = "0912345678"


class FollowerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Follower

    report = factory.SubFactory(ReportFactory)
    email = factory.Sequence(lambda n: f"follower{n}@example.org")
    language = "vi"


class ReportEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportEvent

    report = factory.SubFactory(ReportFactory)
    kind = ReportEvent.Kind.PUBLIC_UPDATE
    created_at = factory.LazyFunction(timezone.now)
    is_public = True


def staff(role: str, department=None, *, email=None, language="vi") -> User:
    user = UserFactory(
        is_staff=True, preferred_language=language, **({"email": email} if email else {})
    )
    StaffMembership.objects.create(user=user, role=role, department=department)
    return user


def submit_report(*, language="vi", submitted_at=None, **fields) -> Report:
    """A report through the real submission action (at ``submitted_at`` when given)."""
    from reports.actions.submission import report_submit

    values = {
        "category": Category.objects.get(code="ROAD_DAMAGE"),
        "commune": Commune.objects.order_by("code").first(),
        "title": "Ổ gà lớn trước chợ",
        "description": "Ổ gà sâu khoảng 20 cm, xe máy dễ té ngã.",
        "reporter_name": "Trần Thị Bé",
        "reporter_email": "be.tran@example.org",
        "reporter_phone": "0912345678",
        "language": language,
        **fields,
    }
    if submitted_at is None:
        return report_submit(**values)
    with mock.patch("django.utils.timezone.now", return_value=submitted_at):
        return report_submit(**values)
