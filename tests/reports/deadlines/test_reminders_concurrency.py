"""Deadline scans that overlap record and email each threshold once."""

import pytest

from accounts.models import StaffMembership
from camau_portal.notifications.models import OutboundEmail
from reports.deadlines.reminders import scan_deadlines
from reports.models import DeadlineReminder
from services.models import Department
from tests.concurrency import in_parallel, postgres_only
from tests.reports.support import staff, submit_report
from tests.services.sla_calendars import local

pytestmark = [*postgres_only, pytest.mark.django_db(transaction=True)]


def test_concurrent_scans_record_and_email_each_threshold_once(catalogue):
    staff(StaffMembership.Role.INTAKE_OFFICER, Department.objects.get(code="IOC"))
    reports = [submit_report(submitted_at=local(2026, 3, 2, 9, 0)) for _ in range(40)]
    # Submitted Monday 09:00: 75 % of the 2 working hours is 1 h 30, reached at 10:30.
    results = in_parallel(lambda: scan_deadlines(now=local(2026, 3, 2, 10, 45)), times=4)
    assert sum(result.reports for result in results) == len(reports)
    assert DeadlineReminder.objects.count() == len(reports)
    assert OutboundEmail.objects.filter(template="staff_reminder").count() == len(reports)
