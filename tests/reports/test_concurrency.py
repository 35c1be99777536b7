"""Overlapping scans and deliveries on PostgreSQL, where they really run at the same time
(SQLite serialises writers, so there the question does not arise)."""

import threading

import pytest
from django.core import mail
from django.db import connection, connections

from accounts.models import StaffMembership
from camau_portal.notifications.delivery import SENT, SKIPPED, deliver_outbound_email
from camau_portal.notifications.models import OutboundEmail
from reports.deadlines.reminders import scan_deadlines
from reports.models import DeadlineReminder
from services.models import Department
from tests.reports.support import staff, submit_report
from tests.services.sla_calendars import local

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions need PostgreSQL")


def in_parallel(function, times: int) -> list:
    barrier = threading.Barrier(times)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(function())
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return results


def test_concurrent_scans_record_and_email_each_threshold_once(catalogue):
    staff(StaffMembership.Role.INTAKE_OFFICER, Department.objects.get(code="IOC"))
    reports = [submit_report(submitted_at=local(2026, 3, 2, 9, 0)) for _ in range(40)]
    results = in_parallel(lambda: scan_deadlines(now=local(2026, 3, 2, 10, 45)), times=4)
    assert sum(result.reports for result in results) == len(reports)
    assert DeadlineReminder.objects.count() == len(reports)
    assert OutboundEmail.objects.filter(template="staff_reminder").count() == len(reports)


def test_concurrent_deliveries_of_one_row_send_it_once(catalogue):
    submit_report()
    row = OutboundEmail.objects.get(template="event_submitted")
    OutboundEmail.objects.filter(pk=row.pk).update(status=OutboundEmail.Status.PENDING)
    mail.outbox.clear()
    outcomes = in_parallel(lambda: deliver_outbound_email(row.pk).outcome, times=4)
    assert sorted(outcomes) == [SENT, SKIPPED, SKIPPED, SKIPPED]
    assert len(mail.outbox) == 1
