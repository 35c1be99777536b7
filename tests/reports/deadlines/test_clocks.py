"""The clocks applied to reports (reports.deadlines.clocks) and the on-time classification."""

from datetime import datetime, timedelta

import pytest

from accounts.models import StaffMembership
from reports.deadlines.clocks import (
    LATE,
    LATE_EXTENDED,
    ON_TIME,
    deadline_outcome,
    extend_resolution,
    pause_resolution_clock,
    recompute_open_deadlines,
    recompute_resolution_due,
    resume_resolution_clock,
    running_clocks,
    start_handling_clocks,
    start_intake_clock,
)
from reports.models import DeadlineReminder, Report
from services.models import CalendarDay, Category, Department
from tests.reports.support import ReportFactory, staff
from tests.services.sla_calendars import camau_calendar, local

CAL = camau_calendar()
MONDAY_0900 = local(2026, 3, 2, 9, 0)


def handled_report(**fields):
    report = ReportFactory.build(status=Report.Status.ACCEPTED, **fields)
    report.accepted_at = MONDAY_0900
    start_handling_clocks(report, accepted_at=MONDAY_0900, calendar=CAL)
    return report


@pytest.mark.django_db
def test_start_clocks_set_due_times_and_the_first_check(catalogue):
    report = ReportFactory.build(submitted_at=MONDAY_0900)
    assert start_intake_clock(report, calendar=CAL) == ["intake_due_at", "deadline_check_at"]
    assert report.intake_due_at == local(2026, 3, 2, 11, 0)
    assert report.deadline_check_at == local(2026, 3, 2, 10, 30)

    report = handled_report(category=Category.objects.get(code="GARBAGE"))
    assert report.response_due_at == local(2026, 3, 2, 15, 0)
    assert report.resolution_due_at == local(2026, 3, 4, 9, 0)
    assert report.deadline_check_at == local(2026, 3, 2, 14, 0)  # the response reminder
    assert [clock.clock for clock in running_clocks(report)] == ["response", "resolution"]


@pytest.mark.django_db
def test_urgent_reports_get_the_urgent_target(catalogue):
    report = handled_report(
        category=Category.objects.get(code="ROAD_DAMAGE"), priority=Report.Priority.URGENT
    )
    # 4 working hours from Monday 09:00: 2 h 30 to 11:30, 1 h 30 from 13:30 = 15:00.
    assert report.resolution_due_at == local(2026, 3, 2, 15, 0)
    report.priority = Report.Priority.NORMAL
    recompute_resolution_due(report, calendar=CAL)
    # 10 working days (80 h) from Monday 09:00 are two full weeks: Monday 16/03 09:00.
    assert report.resolution_due_at == local(2026, 3, 16, 9, 0)


@pytest.mark.django_db
def test_pause_and_resume_add_back_the_working_time_waited(catalogue):
    report = handled_report(category=Category.objects.get(code="GARBAGE"))
    report.save()
    DeadlineReminder.objects.create(
        report=report, clock="resolution", threshold=75, due_at=report.resolution_due_at
    )
    pause_resolution_clock(report, at=local(2026, 3, 3, 16, 0))
    report.status = Report.Status.WAITING_INFO
    assert [clock.clock for clock in running_clocks(report)] == ["response"]
    fields = resume_resolution_clock(report, at=local(2026, 3, 4, 8, 0), calendar=CAL)
    assert "resolution_due_at" in fields
    # Waited Tuesday 16:00-17:00 and Wednesday 07:00-08:00: two working hours.
    assert report.resolution_paused_total == timedelta(hours=2)
    assert report.resolution_due_at == local(2026, 3, 4, 11, 0)
    assert report.resolution_paused_at is None
    # The reminder already sent moved with the deadline.
    assert DeadlineReminder.objects.get().due_at == local(2026, 3, 4, 11, 0)
    # A later change of target keeps the time waited.
    recompute_resolution_due(report, calendar=CAL)
    assert report.resolution_due_at == local(2026, 3, 4, 11, 0)


@pytest.mark.django_db
def test_an_extension_is_kept_by_recomputation(catalogue):
    report = handled_report(category=Category.objects.get(code="GARBAGE"))
    extended_to = local(2026, 3, 13, 17, 0)
    assert extend_resolution(report, to=extended_to)[:2] == [
        "resolution_due_at",
        "resolution_extended",
    ]
    assert recompute_resolution_due(report, calendar=CAL) == []
    assert report.resolution_due_at == extended_to


@pytest.mark.django_db
def test_recompute_applies_a_calendar_change_to_open_reports(catalogue):
    report = ReportFactory(submitted_at=local(2026, 10, 9, 16, 0))  # Friday
    start_intake_clock(report, calendar=CAL)
    assert report.intake_due_at == local(2026, 10, 12, 8, 0)
    CalendarDay.objects.create(date=local(2026, 10, 12).date(), kind="day_off", name_vi="Nghỉ")
    from services.calendar import current_calendar

    fields = recompute_open_deadlines(report, calendar=current_calendar())
    assert "intake_due_at" in fields
    assert report.intake_due_at == local(2026, 10, 13, 8, 0)


@pytest.mark.parametrize(
    ("done", "due", "extended", "original", "outcome"),
    [
        (local(2026, 3, 2, 10), local(2026, 3, 2, 11), False, None, ON_TIME),
        (local(2026, 3, 2, 11), local(2026, 3, 2, 11), False, None, ON_TIME),
        (local(2026, 3, 2, 12), local(2026, 3, 2, 11), False, None, LATE),
        (local(2026, 3, 5, 10), local(2026, 3, 6, 11), True, None, LATE_EXTENDED),
        (local(2026, 3, 5, 10), local(2026, 3, 6, 11), True, local(2026, 3, 5, 11), ON_TIME),
        (local(2026, 3, 7, 10), local(2026, 3, 6, 11), True, None, LATE),
        (local(2026, 3, 7, 10), None, False, None, ON_TIME),
    ],
)
def test_deadline_outcome(done, due, extended, original, outcome):
    assert deadline_outcome(done, due, extended, original_due_at=original) == outcome


@pytest.mark.django_db
def test_recompute_deadlines_command_moves_open_reports_only(catalogue):
    from io import StringIO

    from django.core.management import call_command

    from reports.handling.actions import report_reject

    friday = local(2026, 10, 9, 16, 0)
    open_report = ReportFactory(submitted_at=friday)
    closed_report = ReportFactory(submitted_at=friday)
    intake = staff(StaffMembership.Role.INTAKE_OFFICER, Department.objects.get(code="IOC"))
    report_reject(report=closed_report, acting_user=intake, reason="Không thuộc thẩm quyền.")
    CalendarDay.objects.create(date=local(2026, 10, 12).date(), kind="day_off", name_vi="Nghỉ")

    out = StringIO()
    call_command("recompute_deadlines", "--dry-run", stdout=out)
    assert "1 would change" in out.getvalue()
    assert "12/10/2026 08:00 -> 13/10/2026 08:00" in out.getvalue()
    open_report.refresh_from_db()
    assert open_report.intake_due_at == local(2026, 10, 12, 8, 0)

    call_command("recompute_deadlines", stdout=StringIO())
    open_report.refresh_from_db()
    closed_report.refresh_from_db()
    assert open_report.intake_due_at == local(2026, 10, 13, 8, 0)
    assert closed_report.intake_due_at == local(2026, 10, 12, 8, 0)
    out = StringIO()
    call_command("recompute_deadlines", stdout=out)
    assert "0 changed" in out.getvalue()


@pytest.mark.django_db
def test_calendar_change_in_admin_moves_open_deadlines_with_an_audit_event(
    catalogue, admin_client, admin_user, django_capture_on_commit_callbacks
):
    """Saving a day off in admin runs the recompute task (eager here), which records who
    changed what; the reporter is not emailed about it."""
    from reports.models import ReportEvent

    friday = local(2026, 10, 9, 16, 0)
    report = ReportFactory(submitted_at=friday)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/services/calendarday/add/",
            {"date": "12/10/2026", "kind": "day_off", "name_vi": "Nghỉ bù", "name_en": ""},
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert CalendarDay.objects.get(name_vi="Nghỉ bù").date == local(2026, 10, 12).date()
    report.refresh_from_db()
    assert report.intake_due_at == local(2026, 10, 13, 8, 0)
    event = report.events.get(kind=ReportEvent.Kind.DEADLINES_RECOMPUTED)
    assert event.actor == admin_user and not event.is_public
    before, after = (datetime.fromisoformat(value) for value in event.data["intake_due_at"])
    assert (before, after) == (local(2026, 10, 12, 8, 0), local(2026, 10, 13, 8, 0))
