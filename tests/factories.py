"""Shared factories. Reports need the ``catalogue`` fixture (real communes and categories)."""

import factory
from django.utils import timezone

from accounts.models import User
from reports.models import Report
from services.models import Category, Commune


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"citizen{n}@example.vn")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    password = factory.django.Password("correct horse battery")
    email_verified = True


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Report

    title = factory.Sequence(lambda n: f"Ổ gà trên đường số {n}")
    description = "Ổ gà lớn giữa đường, xe máy dễ té."
    category = factory.LazyFunction(lambda: Category.objects.filter(is_active=True).first())
    commune = factory.LazyFunction(lambda: Commune.objects.filter(is_active=True).first())
    submitted_at = factory.LazyFunction(timezone.now)
    reporter_name = "Trần Thị Mai"
    reporter_email = factory.Sequence(lambda n: f"reporter{n}@example.vn")
