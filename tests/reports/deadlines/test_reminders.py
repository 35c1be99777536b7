"""The deadline scan: thresholds, recipients, idempotence and cost; the daily digest."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail

from accounts.models import StaffMembership
from camau_portal.notifications.models import OutboundEmail
from reports.deadlines.clocks import (
    extend_resolution,
    pause_resolution_clock,
    resume_resolution_clock,
    start_handling_clocks,
)
from reports.deadlines.digest import send_daily_digests
from reports.deadlines.reminders import reconcile_deadline_checks, scan_deadlines
from reports.models import DeadlineReminder, Report
from services.calendar import current_calendar
from services.models import Category, Department
from tests.reports.support import staff, submit_report
from tests.services.sla_calendars import local

pytestmark = pytest.mark.django_db
Role = StaffMembership.Role
Clock = DeadlineReminder.Clock
MONDAY_0900 = local(2026, 3, 2, 9, 0)


@pytest.fixture
def people(catalogue):
    ioc = Department.objects.get(code="IOC")
    agency = Department.objects.get(code="SXD")
    return {
        "ioc": ioc,
        "agency": agency,
        "intake": staff(Role.INTAKE_OFFICER, ioc, email="intake@camau.gov.vn"),
        "ioc_manager": staff(Role.AGENCY_MANAGER, ioc, email="ioc-boss@camau.gov.vn"),
        "officer": staff(Role.AGENCY_OFFICER, agency, email="officer@camau.gov.vn"),
        "manager": staff(Role.AGENCY_MANAGER, agency, email="manager@camau.gov.vn", language="en"),
        "leader": staff(Role.LEADER, email="leader@camau.gov.vn"),
        "other_agency_officer": staff(
            Role.AGENCY_OFFICER, Department.objects.get(code="SNNMT"), email="x@camau.gov.vn"
        ),
    }


@pytest.fixture
def scan(django_capture_on_commit_callbacks):
    """Runs one scan at ``now`` and returns {template: sorted recipients} of what it sent."""

    def run(now):
        mail.outbox.clear()
        before = set(OutboundEmail.objects.values_list("pk", flat=True))
        with django_capture_on_commit_callbacks(execute=True):
            scan_deadlines(now=now)
        sent = {}
        new_rows = OutboundEmail.objects.exclude(pk__in=before).filter(sent_at__isnull=False)
        for row in new_rows.filter(template__startswith="staff_"):
            sent.setdefault(row.template, []).append(row.recipient)
        assert len(mail.outbox) == sum(len(recipients) for recipients in sent.values())
        return {template: sorted(recipients) for template, recipients in sent.items()}

    return run


def accept(report, *, at, department, assigned_to=None):
    report.status = Report.Status.ACCEPTED
    report.accepted_at = at
    report.department = department
    report.assigned_to = assigned_to
    fields = start_handling_clocks(report, accepted_at=at, calendar=current_calendar())
    report.save(update_fields=[*fields, "status", "accepted_at", "department", "assigned_to"])
    return report


def acted_on(report):
    return sorted(report.deadline_reminders.values_list("clock", "threshold"))


# --- the intake clock -----------------------------------------------------------------------


def test_intake_clock_reminds_escalates_and_alerts_each_once(people, scan):
    report = submit_report(submitted_at=MONDAY_0900)  # due 11:00
    assert report.intake_due_at == local(2026, 3, 2, 11, 0)
    assert report.deadline_check_at == local(2026, 3, 2, 10, 30)

    assert scan(local(2026, 3, 2, 10, 29)) == {}
    assert scan(local(2026, 3, 2, 10, 31)) == {"staff_reminder": ["intake@camau.gov.vn"]}
    report.refresh_from_db()
    assert report.deadline_check_at == local(2026, 3, 2, 11, 0)
    assert scan(local(2026, 3, 2, 10, 45)) == {}

    assert scan(local(2026, 3, 2, 11, 0)) == {
        "staff_escalation": ["intake@camau.gov.vn", "ioc-boss@camau.gov.vn"]
    }
    report.refresh_from_db()
    # Twice the window: 4 working hours from 09:00, across the lunch break.
    assert report.deadline_check_at == local(2026, 3, 2, 15, 0)
    assert scan(local(2026, 3, 2, 15, 1)) == {"staff_leader_alert": ["leader@camau.gov.vn"]}
    report.refresh_from_db()
    assert report.deadline_check_at is None
    assert acted_on(report) == [("intake", 75), ("intake", 100), ("intake", 200)]
    assert scan(local(2026, 3, 9, 9, 0)) == {}


def test_a_scan_after_an_outage_sends_only_the_highest_threshold(people, scan):
    report = submit_report(submitted_at=MONDAY_0900)
    assert scan(local(2026, 3, 2, 16, 0)) == {"staff_leader_alert": ["leader@camau.gov.vn"]}
    assert acted_on(report) == [("intake", 75), ("intake", 100), ("intake", 200)]


def test_accepting_stops_the_intake_clock(people, scan):
    report = submit_report(submitted_at=MONDAY_0900)
    accept(report, at=local(2026, 3, 2, 10, 0), department=people["agency"])
    assert scan(local(2026, 3, 2, 11, 30)) == {}
    assert not report.deadline_reminders.filter(clock=Clock.INTAKE).exists()


def test_day_off_intake_window_is_divided_in_clock_time(people, scan):
    report = submit_report(submitted_at=local(2026, 3, 7, 10, 0))  # Saturday: due 22:00
    assert report.deadline_check_at == local(2026, 3, 7, 19, 0)
    assert scan(local(2026, 3, 7, 19, 0)) == {"staff_reminder": ["intake@camau.gov.vn"]}


# --- idempotence --------------------------------------------------------------------------


def test_overlapping_scans_send_each_reminder_once(people, scan):
    report = submit_report(submitted_at=MONDAY_0900)
    first = scan(local(2026, 3, 2, 11, 5))
    assert first == {"staff_escalation": ["intake@camau.gov.vn", "ioc-boss@camau.gov.vn"]}
    # A second scan that read the report before the first one moved its check time.
    Report.objects.filter(pk=report.pk).update(deadline_check_at=MONDAY_0900)
    assert scan(local(2026, 3, 2, 11, 5)) == {}
    assert scan(local(2026, 3, 2, 11, 6)) == {}
    assert DeadlineReminder.objects.filter(report=report).count() == 2
    assert OutboundEmail.objects.filter(template="staff_escalation").count() == 2


def test_a_reminder_row_already_written_by_another_scan_is_not_repeated(people, scan):
    report = submit_report(submitted_at=MONDAY_0900)
    DeadlineReminder.objects.create(
        report=report, clock=Clock.INTAKE, threshold=75, due_at=report.intake_due_at
    )
    assert scan(local(2026, 3, 2, 10, 40)) == {}


# --- response and resolution clocks ---------------------------------------------------------


def test_reminder_goes_to_the_assignee_when_there_is_one(people, scan):
    report = submit_report(submitted_at=MONDAY_0900)
    accept(report, at=MONDAY_0900, department=people["agency"], assigned_to=people["officer"])
    # First response due 15:00 (4 working hours); 75 % at 14:00.
    assert report.response_due_at == local(2026, 3, 2, 15, 0)
    assert scan(local(2026, 3, 2, 14, 0)) == {"staff_reminder": ["officer@camau.gov.vn"]}


def test_unassigned_reports_remind_the_agency_then_escalate_to_managers_and_intake(people, scan):
    report = submit_report(submitted_at=MONDAY_0900)
    accept(report, at=MONDAY_0900, department=people["agency"])
    assert scan(local(2026, 3, 2, 14, 0)) == {"staff_reminder": ["officer@camau.gov.vn"]}
    assert scan(local(2026, 3, 2, 15, 0)) == {
        "staff_escalation": ["intake@camau.gov.vn", "manager@camau.gov.vn"]
    }


def test_an_agency_without_staff_is_written_to_at_its_address(people, scan):
    agency = Department.objects.get(code="VP_UBND")
    agency.email = "vanphong@camau.gov.vn"
    agency.save()
    report = submit_report(submitted_at=MONDAY_0900)
    accept(report, at=MONDAY_0900, department=agency)
    assert scan(local(2026, 3, 2, 14, 0)) == {"staff_reminder": ["vanphong@camau.gov.vn"]}


def test_the_resolution_clock_reminds_at_three_quarters_of_its_working_time(people, scan):
    category = Category.objects.get(code="GARBAGE")  # 2 working days
    report = submit_report(submitted_at=MONDAY_0900, category=category)
    accept(report, at=MONDAY_0900, department=people["agency"])
    Report.objects.filter(pk=report.pk).update(first_response_at=MONDAY_0900)
    assert report.resolution_due_at == local(2026, 3, 4, 9, 0)
    # 12 of 16 working hours: Monday 6 h, Tuesday 07:00-11:30 and 13:30-15:00.
    assert scan(local(2026, 3, 3, 14, 59)) == {}
    assert scan(local(2026, 3, 3, 15, 0)) == {"staff_reminder": ["officer@camau.gov.vn"]}
    assert scan(local(2026, 3, 4, 9, 0)) == {
        "staff_escalation": ["intake@camau.gov.vn", "manager@camau.gov.vn"]
    }
    # Twice the window: 32 working hours from Monday 09:00 is Friday 09:00.
    assert scan(local(2026, 3, 6, 8, 59)) == {}
    assert scan(local(2026, 3, 6, 9, 0)) == {"staff_leader_alert": ["leader@camau.gov.vn"]}


def test_no_reminder_while_waiting_for_the_reporter_and_none_repeated_after(people, scan):
    category = Category.objects.get(code="GARBAGE")
    report = submit_report(submitted_at=MONDAY_0900, category=category)
    accept(report, at=MONDAY_0900, department=people["agency"])
    Report.objects.filter(pk=report.pk).update(first_response_at=MONDAY_0900)
    assert scan(local(2026, 3, 3, 15, 0)) == {"staff_reminder": ["officer@camau.gov.vn"]}

    report.refresh_from_db()
    report.status = Report.Status.WAITING_INFO
    fields = pause_resolution_clock(report, at=local(2026, 3, 3, 16, 0))
    report.save(update_fields=[*fields, "status"])
    assert scan(local(2026, 3, 4, 9, 30)) == {}  # the old deadline passes while paused

    report.status = Report.Status.IN_PROGRESS
    calendar = current_calendar()
    fields = resume_resolution_clock(report, at=local(2026, 3, 5, 16, 0), calendar=calendar)
    report.save(update_fields=[*fields, "status"])
    # Waited Tuesday 16:00-17:00 (1 h), Wednesday (8 h), Thursday to 16:00 (4 h 30 + 2 h 30):
    # 16 working hours. The deadline, Wednesday 09:00, moves by as much: 6 h Wednesday,
    # 8 h Thursday, 2 h Friday from 07:00 = Friday 09:00.
    assert report.resolution_paused_total == timedelta(hours=16)
    assert report.resolution_due_at == local(2026, 3, 6, 9, 0)
    # The 75 % reminder moved with the deadline: not sent again after the reporter answers.
    assert scan(local(2026, 3, 5, 16, 5)) == {}
    assert scan(report.resolution_due_at) == {
        "staff_escalation": ["intake@camau.gov.vn", "manager@camau.gov.vn"]
    }


def test_an_extension_re_arms_the_escalation_but_not_an_earlier_reminder(people, scan):
    category = Category.objects.get(code="GARBAGE")
    report = submit_report(submitted_at=MONDAY_0900, category=category)
    accept(report, at=MONDAY_0900, department=people["agency"])
    Report.objects.filter(pk=report.pk).update(first_response_at=MONDAY_0900)
    scan(local(2026, 3, 3, 15, 0))
    assert "staff_escalation" in scan(local(2026, 3, 4, 9, 0))

    report.refresh_from_db()
    new_due = local(2026, 3, 5, 9, 0)
    with mock.patch("django.utils.timezone.now", return_value=local(2026, 3, 4, 9, 2)):
        fields = extend_resolution(report, to=new_due)
    report.save(update_fields=fields)
    # The longer window's 75 % point (Wednesday 11:00) comes after the reminder sent on
    # Tuesday, so it is sent again for the new deadline; the escalation waits for the new due.
    assert scan(local(2026, 3, 4, 9, 5)) == {}
    assert scan(local(2026, 3, 4, 15, 0)) == {"staff_reminder": ["officer@camau.gov.vn"]}
    assert scan(new_due) == {"staff_escalation": ["intake@camau.gov.vn", "manager@camau.gov.vn"]}
    escalations = report.deadline_reminders.filter(clock=Clock.RESOLUTION, threshold=100)
    assert sorted(escalations.values_list("due_at", flat=True)) == [
        local(2026, 3, 4, 9, 0),
        new_due,
    ]


def test_resolved_reports_leave_the_scan(people, scan):
    report = submit_report(submitted_at=MONDAY_0900)
    accept(report, at=MONDAY_0900, department=people["agency"])
    Report.objects.filter(pk=report.pk).update(
        status=Report.Status.RESOLVED, resolved_at=local(2026, 3, 2, 10, 0)
    )
    assert scan(local(2026, 3, 20, 9, 0)) == {}
    report.refresh_from_db()
    assert report.deadline_check_at is None


def test_the_scan_costs_the_same_however_many_reports_are_not_due(people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_of_one_scan():
        with CaptureQueriesContext(connection) as captured:
            result = scan_deadlines(now=local(2026, 3, 2, 10, 0))
        assert result.reports == 0
        return len(captured)

    submit_report(submitted_at=MONDAY_0900)
    few = queries_of_one_scan()
    for _ in range(30):
        submit_report(submitted_at=MONDAY_0900)
    assert queries_of_one_scan() == few
    # The calendar, and one range scan of the check-time index (plus the savepoint).
    assert few <= 5


def test_reconcile_gives_a_check_time_to_open_reports_that_lost_theirs(people):
    report = submit_report(submitted_at=MONDAY_0900)
    Report.objects.filter(pk=report.pk).update(deadline_check_at=None)
    assert reconcile_deadline_checks() == 1
    report.refresh_from_db()
    assert report.deadline_check_at == local(2026, 3, 2, 10, 30)


# --- the daily digest -----------------------------------------------------------------------


def test_daily_digest_lists_due_today_overdue_and_waiting_for_rating(
    people, django_capture_on_commit_callbacks
):
    agency = people["agency"]
    overdue = accept(submit_report(submitted_at=MONDAY_0900), at=MONDAY_0900, department=agency)
    Report.objects.filter(pk=overdue.pk).update(resolution_due_at=local(2026, 3, 9, 16, 0))
    due_today = accept(submit_report(submitted_at=MONDAY_0900), at=MONDAY_0900, department=agency)
    Report.objects.filter(pk=due_today.pk).update(resolution_due_at=local(2026, 3, 10, 15, 0))
    resolved = submit_report(submitted_at=MONDAY_0900)
    # As report_resolve leaves it: awaiting the reporter's rating.
    Report.objects.filter(pk=resolved.pk).update(
        status=Report.Status.RESOLVED, department=agency, awaiting_rating=True
    )
    later = accept(submit_report(submitted_at=MONDAY_0900), at=MONDAY_0900, department=agency)
    awaiting_intake = submit_report(submitted_at=local(2026, 3, 9, 16, 0))
    Report.objects.filter(pk=later.pk).update(resolution_due_at=local(2026, 3, 20, 15, 0))

    tuesday_0730 = local(2026, 3, 10, 7, 30)
    with django_capture_on_commit_callbacks(execute=True):
        send_daily_digests(now=tuesday_0730)
    digests = {m.to[0]: m for m in mail.outbox}
    assert set(digests) >= {"officer@camau.gov.vn", "manager@camau.gov.vn"}
    assert "x@camau.gov.vn" not in digests  # another agency, with nothing to report
    body = digests["manager@camau.gov.vn"].body
    assert overdue.tracking_code in body
    assert due_today.tracking_code in body
    assert resolved.tracking_code in body
    assert later.tracking_code not in body
    assert "1 overdue, 1 due today" in digests["manager@camau.gov.vn"].subject
    for private in ("Trần Thị Bé", "be.tran@example.org", "0912345678"):
        assert private not in body
    # The intake centre's digest is about reports awaiting intake.
    assert awaiting_intake.tracking_code in digests["intake@camau.gov.vn"].body
    assert awaiting_intake.tracking_code not in body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        send_daily_digests(now=tuesday_0730 + timedelta(minutes=5))
    assert mail.outbox == []


def test_no_digest_on_a_day_off(people, django_capture_on_commit_callbacks):
    report = submit_report(submitted_at=MONDAY_0900)
    accept(report, at=MONDAY_0900, department=people["agency"])
    with django_capture_on_commit_callbacks(execute=True):
        assert send_daily_digests(now=local(2026, 3, 7, 7, 30)) == 0  # Saturday
        assert send_daily_digests(now=local(2026, 4, 30, 7, 30)) == 0  # 30/4
    assert mail.outbox == []
