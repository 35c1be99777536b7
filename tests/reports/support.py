"""Test data for the deadline and email tests. Reports need the ``catalogue`` fixture.

``submit_report`` stands in for the submission action (``reports.actions.submission``) until
it lands: it writes what that action writes (report, intake clock, SUBMITTED event, the
reporter as a follower, the acknowledgement in the outbox) in one transaction.
"""

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
    from django.db import transaction

    from reports.deadlines import start_intake_clock
    from reports.notifications import queue_event_emails
    from services.calendar import current_calendar

    with transaction.atomic():
        report = ReportFactory.build(language=language, **fields)
        report.submitted_at = submitted_at or timezone.now()
        start_intake_clock(report, calendar=current_calendar())
        report.save()
        event = ReportEvent.objects.create(
            report=report,
            kind=ReportEvent.Kind.SUBMITTED,
            created_at=report.submitted_at,
            to_status=Report.Status.SUBMITTED,
        )
        Follower.objects.create(
            report=report, email=report.reporter_email, language=language, is_reporter=True
        )
        queue_event_emails(event)
    return report
