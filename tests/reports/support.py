"""Test data for the deadline and email tests, on top of ``tests.factories``. Reports need the
``catalogue`` fixture."""

import factory
from django.utils import timezone

from accounts.models import StaffMembership, User
from reports.models import Follower, Report, ReportEvent
from reports.notifications.queue import queue_event_emails
from tests.factories import ReportFactory, StaffFactory
from tests.factories import submit_report as _submit_report

__all__ = [
    "FollowerFactory",
    "ReportEventFactory",
    "ReportFactory",
    "public_event",
    "staff",
    "submit_report",
]


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


def public_event(report, kind, **fields) -> ReportEvent:
    """An event on ``report`` with its emails queued, as the action writing it would."""
    event = ReportEventFactory(report=report, kind=kind, **fields)
    queue_event_emails(event)
    return event


def staff(role: str, department=None, *, language="vi", **fields) -> User:
    user = StaffFactory(preferred_language=language, **fields)
    StaffMembership.objects.create(user=user, role=role, department=department)
    return user


def submit_report(*, submitted_at=None, **overrides) -> Report:
    """A report through the real submission action, at ``submitted_at`` when given."""
    overrides.setdefault("reporter_name", "Trần Thị Bé")
    overrides.setdefault("reporter_email", "be.tran@example.org")
    overrides.setdefault("reporter_phone", "0912345678")
    return _submit_report(submitted_at=submitted_at, **overrides)
