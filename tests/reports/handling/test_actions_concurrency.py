"""Two officers acting on one report at the same moment (row locks: PostgreSQL only)."""

import threading
import time

import pytest
from django.db import connection

from accounts.models import StaffMembership
from reports.handling import actions
from reports.models import Report, ReportEvent
from reports.workflow import NotAllowed
from services.models import Commune, Department
from tests.factories import StaffMembershipFactory, SubmittedReportFactory, UserFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (set DATABASE_URL)"
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def people(catalogue):
    commune = Commune.objects.order_by("code").first()
    ioc = Department.objects.get(code="IOC")
    intake = UserFactory(email="intake@camau.gov.vn")
    StaffMembershipFactory(user=intake, department=ioc, role=StaffMembership.Role.INTAKE_OFFICER)
    intake2 = UserFactory(email="intake2@camau.gov.vn")
    StaffMembershipFactory(user=intake2, department=ioc, role=StaffMembership.Role.INTAKE_OFFICER)
    officers = []
    for n in range(2):
        officer = UserFactory(email=f"officer{n}@camau.gov.vn")
        StaffMembershipFactory(user=officer, department=commune.committee)
        officers.append(officer)
    # No followers: nothing to email, so no delivery runs after commit.
    report = SubmittedReportFactory(commune=commune, reporter_email="")
    return intake, intake2, officers, report


def race(monkeypatch, *calls):
    """Runs the calls in parallel threads; each holds its lock a moment before writing the
    event, so the transactions overlap. Returns what each call returned or raised."""
    original = actions.event_record

    def slow_record(*args, **kwargs):
        time.sleep(0.3)
        return original(*args, **kwargs)

    monkeypatch.setattr(actions, "event_record", slow_record)
    results = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def run(index, call):
        barrier.wait()
        try:
            results[index] = call()
        except Exception as exc:  # the refusal is the result under test
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_accept_and_reject_at_once_one_wins(people, monkeypatch):
    intake, intake2, _, report = people
    results = race(
        monkeypatch,
        lambda: actions.report_accept(report=report, acting_user=intake),
        lambda: actions.report_reject(report=report, acting_user=intake2, reason="trùng"),
    )
    assert sorted(type(r).__name__ for r in results) == ["NotAllowed", "Report"]
    report.refresh_from_db()
    events = list(ReportEvent.objects.filter(report=report).exclude(kind="submitted"))
    assert len(events) == 1 and events[0].to_status == report.status


def test_two_officers_resolve_at_once(people, monkeypatch):
    intake, _, (first, second), report = people
    actions.report_accept(report=report, acting_user=intake)
    results = race(
        monkeypatch,
        lambda: actions.report_resolve(report=report, acting_user=first, answer="A"),
        lambda: actions.report_resolve(report=report, acting_user=second, answer="B"),
    )
    assert sum(isinstance(r, NotAllowed) for r in results) == 1
    assert ReportEvent.objects.filter(report=report, kind="resolved").count() == 1
    report.refresh_from_db()
    assert report.status == Report.Status.RESOLVED


def test_concurrent_assignments_are_serialised(people, monkeypatch):
    intake, _, (first, second), report = people
    actions.report_accept(report=report, acting_user=intake)
    results = race(
        monkeypatch,
        lambda: actions.report_assign(report=report, acting_user=first, assignee=first),
        lambda: actions.report_assign(report=report, acting_user=second, assignee=second),
    )
    assert all(isinstance(r, Report) for r in results)
    events = list(ReportEvent.objects.filter(report=report, kind="assigned").order_by("id"))
    assert len(events) == 2
    # The second event starts from the first one's result: no lost update.
    assert events[1].data["from"] == events[0].data["to"]
    report.refresh_from_db()
    assert report.assigned_to_id == events[1].data["to"]
