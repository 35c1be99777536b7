"""The report tallies and the rating state stay exact through every action, and rebuild from
the reports."""

import io
from datetime import UTC, date, timedelta

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from reports.deadlines.recompute import open_reports_deadlines_recompute
from reports.handling import actions
from reports.handling.moderation import report_hide, report_show
from reports.models import DeadlineTally, Report, ReportTally
from reports.private_link import private_token
from reports.public.selectors import public_headline_counts
from reports.tallies import overdue_count, tallies_rebuild
from services.models import CalendarDay
from tests.factories import SubmittedReportFactory, UserFactory
from tests.services.sla_calendars import local

pytestmark = pytest.mark.django_db
S = Report.Status


def tallies() -> dict[tuple, int]:
    """The non-empty tallies as {(agency id or 0, status, public, awaiting rating): count}."""
    return {
        (row.department_key, row.status, row.is_public, row.awaiting_rating): row.count
        for row in ReportTally.objects.exclude(count=0)
    }


def test_a_report_moves_between_tallies_with_each_action(staff):
    committee, other = staff.committee.pk, staff.other_agency.pk
    report = SubmittedReportFactory(commune=staff.commune)
    assert tallies() == {(0, S.SUBMITTED, False, False): 1}
    report = actions.report_accept(report=report, acting_user=staff.intake)
    assert tallies() == {(committee, S.ACCEPTED, True, False): 1}
    report = actions.report_start(report=report, acting_user=staff.officer)
    assert tallies() == {(committee, S.IN_PROGRESS, True, False): 1}
    report = actions.report_request_info(
        report=report, acting_user=staff.officer, question="Ở đâu?"
    )
    assert tallies() == {(committee, S.WAITING_INFO, True, False): 1}
    report = actions.report_provide_info(
        report=report, token=private_token(report.tracking_code), text="Trước chợ."
    )
    assert tallies() == {(committee, S.IN_PROGRESS, True, False): 1}
    report = actions.report_transfer(
        report=report, acting_user=staff.intake, department=staff.other_agency, reason="Sở lo."
    )
    assert tallies() == {(other, S.IN_PROGRESS, True, False): 1}
    report = actions.report_resolve(report=report, acting_user=staff.other_officer, answer="Xong.")
    assert tallies() == {(other, S.RESOLVED, True, True): 1}
    assert Report.objects.get(pk=report.pk).awaiting_rating is True
    actions.report_rate(report=report, token=private_token(report.tracking_code), value="satisfied")
    assert tallies() == {(other, S.RESOLVED, True, False): 1}
    assert Report.objects.get(pk=report.pk).awaiting_rating is False
    report = actions.report_close(report=report)
    assert tallies() == {(other, S.CLOSED, True, False): 1}


def test_a_reopened_answer_no_longer_awaits_its_rating(staff, resolved):
    committee = staff.committee.pk
    assert tallies() == {(committee, S.RESOLVED, True, True): 1}
    actions.report_reopen(report=resolved, acting_user=staff.intake, reason="Chưa vá xong.")
    assert tallies() == {(committee, S.IN_PROGRESS, True, False): 1}
    assert Report.objects.get(pk=resolved.pk).awaiting_rating is False


def test_a_not_satisfied_rating_reopens_and_counts_once(staff, resolved):
    actions.report_rate(
        report=resolved, token=private_token(resolved.tracking_code), value="not_satisfied"
    )
    assert tallies() == {(staff.committee.pk, S.IN_PROGRESS, True, False): 1}


def test_rejected_and_merged_reports(staff):
    first = SubmittedReportFactory(commune=staff.commune)
    second = SubmittedReportFactory(commune=staff.commune)
    third = SubmittedReportFactory(commune=staff.commune)
    actions.report_reject(report=first, acting_user=staff.intake, reason="Không thuộc thẩm quyền.")
    second = actions.report_accept(report=second, acting_user=staff.intake)
    actions.report_mark_duplicate(report=third, acting_user=staff.intake, original=second)
    assert tallies() == {
        (0, S.REJECTED, False, False): 1,
        (staff.committee.pk, S.ACCEPTED, True, False): 1,
        (0, S.DUPLICATE, False, False): 1,
    }


def test_hiding_takes_a_report_out_of_the_public_counts(staff, accepted):
    moderator = UserFactory(email="mod@camau.gov.vn", is_staff=True, is_superuser=True)
    assert public_headline_counts() == {"total": 1, "in_progress": 1, "resolved": 0}
    report_hide(report=accepted, acting_user=moderator, reason="Lộ thông tin cá nhân.")
    assert tallies() == {(staff.committee.pk, S.ACCEPTED, False, False): 1}
    assert public_headline_counts() == {"total": 0, "in_progress": 0, "resolved": 0}
    report_show(report=accepted, acting_user=moderator)
    assert public_headline_counts() == {"total": 1, "in_progress": 1, "resolved": 0}


def test_a_refused_action_changes_no_count(staff, accepted):
    before = tallies()
    with pytest.raises(actions.NotAllowed):
        actions.report_resolve(report=accepted, acting_user=staff.other_officer, answer="Xong.")
    assert tallies() == before


def test_the_rebuild_command_recounts_from_the_reports(staff, resolved):
    SubmittedReportFactory(commune=staff.commune)
    expected = {
        (0, S.SUBMITTED, False, False): 1,
        (staff.committee.pk, S.RESOLVED, True, True): 1,
    }
    assert tallies() == expected
    # Counters and the rating state gone wrong (a restore, a hand edit): the command repairs.
    ReportTally.objects.update(count=7)
    ReportTally.objects.create(
        department_key=999, status=S.CLOSED, is_public=True, awaiting_rating=False, count=3
    )
    Report.objects.filter(pk=resolved.pk).update(awaiting_rating=False)
    call_command("rebuild_tallies", stdout=io.StringIO())
    assert tallies() == expected
    assert Report.objects.get(pk=resolved.pk).awaiting_rating is True


def test_only_a_resolved_report_can_await_a_rating(accepted):
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.filter(pk=accepted.pk).update(awaiting_rating=True)


def deadline_tallies() -> dict[tuple, int]:
    return {
        (row.department_key, row.due_day): row.count
        for row in DeadlineTally.objects.exclude(count=0)
    }


def test_overdue_counts_follow_the_current_deadline(staff):
    # Filed on Friday 9 October 2026 at 16:00: intake due Monday 12 October at 08:00 (local),
    # 01:00 UTC.
    report = SubmittedReportFactory(commune=staff.commune, submitted_at=local(2026, 10, 9, 16, 0))
    assert deadline_tallies() == {(0, date(2026, 10, 12)): 1}
    committee = [staff.committee.pk]
    assert overdue_count(now=local(2026, 10, 12, 7, 59)) == 0
    assert overdue_count(now=local(2026, 10, 12, 8, 1)) == 1  # passed today: from the index
    assert overdue_count(now=local(2026, 10, 14, 9, 0)) == 1  # an earlier day: from the tally
    assert overdue_count(now=local(2026, 10, 14, 9, 0), departments=committee) == 0
    report = actions.report_accept(report=report, acting_user=staff.intake)
    # Now worked against its resolution deadline, in the committee's count.
    due = Report.objects.get(pk=report.pk).resolution_due_at
    assert deadline_tallies() == {(staff.committee.pk, due.astimezone(UTC).date()): 1}
    later = due + timedelta(days=2)
    assert overdue_count(now=later) == 1
    assert overdue_count(now=later, departments=committee) == 1
    assert overdue_count(now=later, departments=[staff.other_agency.pk]) == 0
    report = actions.report_request_info(report=report, acting_user=staff.officer, question="?")
    assert deadline_tallies() == {}  # the clock is paused: no current deadline
    assert overdue_count(now=later) == 0
    report = actions.report_provide_info(
        report=report, token=private_token(report.tracking_code), text="Trước chợ."
    )
    assert sum(deadline_tallies().values()) == 1
    actions.report_resolve(report=report, acting_user=staff.officer, answer="Xong.")
    assert deadline_tallies() == {}


def test_a_calendar_change_moves_the_deadline_tallies(staff):
    SubmittedReportFactory(commune=staff.commune, submitted_at=local(2026, 10, 9, 16, 0))
    assert deadline_tallies() == {(0, date(2026, 10, 12)): 1}
    CalendarDay.objects.create(date=date(2026, 10, 12), kind="day_off", name_vi="Nghỉ bù")
    open_reports_deadlines_recompute()
    # Intake now due Tuesday 13 October at 08:00.
    assert deadline_tallies() == {(0, date(2026, 10, 13)): 1}


def test_the_rebuild_recounts_the_deadlines(staff):
    SubmittedReportFactory(commune=staff.commune, submitted_at=local(2026, 10, 9, 16, 0))
    DeadlineTally.objects.update(count=5)
    DeadlineTally.objects.create(department_key=3, due_day=date(2020, 1, 1), count=9)
    tallies_rebuild()
    assert deadline_tallies() == {(0, date(2026, 10, 12)): 1}
