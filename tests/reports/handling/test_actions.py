"""Every handling action: what it changes, and that it refuses the wrong role or status."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from camau_portal.notifications.models import OutboundEmail
from reports.handling import actions
from reports.models import Follower, Photo, Rating, Report, ReportEvent
from reports.private_link import private_token
from reports.workflow import NotAllowed
from tests.factories import SubmittedReportFactory, staged_photo

pytestmark = pytest.mark.django_db
S = Report.Status
Kind = ReportEvent.Kind
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def clock(monkeypatch):
    """A settable "now", starting on an ordinary working Monday morning."""

    class Clock:
        now = datetime(2025, 3, 3, 8, 0, tzinfo=HCM)

        def advance(self, **delta):
            self.now += timedelta(**delta)

    clock = Clock()
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


def last_event(report):
    return ReportEvent.objects.filter(report=report).order_by("-id").first()


def token(report):
    return private_token(report.tracking_code)


# --- accept, reject, duplicate ---------------------------------------------------------------


def test_accept_dispatches_to_the_proposed_agency_and_starts_the_clocks(staff, clock):
    report = SubmittedReportFactory(commune=staff.commune, submitted_at=clock.now)
    clock.advance(minutes=30)
    report = actions.report_accept(report=report, acting_user=staff.intake)
    report.refresh_from_db()
    assert report.status == S.ACCEPTED
    assert report.department == staff.committee
    assert report.accepted_at == report.intake_done_at == report.published_at == clock.now
    # 4 working hours from 08:30 across the lunch break; ROAD_DAMAGE has 10 working days.
    assert report.response_due_at == datetime(2025, 3, 3, 14, 30, tzinfo=HCM)
    # 10 working days are 80 working hours: 6 h 30 on Monday 03/03 from 08:30, 32 h Tuesday
    # to Friday, 40 h the week after, 1 h 30 on Monday 17/03 from 07:00 = 08:30 (no holiday).
    assert report.resolution_due_at == datetime(2025, 3, 17, 8, 30, tzinfo=HCM)
    event = last_event(report)
    assert (event.kind, event.is_public, event.actor, event.department) == (
        Kind.ACCEPTED,
        True,
        staff.intake,
        staff.committee,
    )
    assert (event.from_status, event.to_status) == (S.SUBMITTED, S.ACCEPTED)
    assert OutboundEmail.objects.filter(event_id=event.pk, recipient=report.reporter_email).exists()


def test_accept_can_dispatch_elsewhere_and_set_priority(staff, submitted):
    report = actions.report_accept(
        report=submitted,
        acting_user=staff.intake,
        department=staff.other_agency,
        priority=Report.Priority.URGENT,
    )
    assert (report.department, report.priority) == (staff.other_agency, "urgent")
    assert last_event(report).data["proposed_department_overridden"] is True


@pytest.mark.parametrize("who", ["officer", "manager", "leader", "citizen", "other_officer"])
def test_only_intake_accepts_or_rejects(staff, submitted, who):
    with pytest.raises(NotAllowed):
        actions.report_accept(report=submitted, acting_user=getattr(staff, who))
    with pytest.raises(NotAllowed):
        actions.report_reject(report=submitted, acting_user=getattr(staff, who), reason="x")
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED
    assert [event.kind for event in submitted.events.all()] == [ReportEvent.Kind.SUBMITTED]


def test_accept_twice_is_refused(staff, accepted):
    with pytest.raises(NotAllowed):
        actions.report_accept(report=accepted, acting_user=staff.intake)


def test_accept_refuses_an_inactive_agency(staff, submitted):
    staff.other_agency.is_active = False
    staff.other_agency.save()
    with pytest.raises(ValidationError):
        actions.report_accept(
            report=submitted, acting_user=staff.intake, department=staff.other_agency
        )


def test_reject_needs_a_public_reason_and_keeps_the_report_unpublished(staff, submitted):
    with pytest.raises(ValidationError):
        actions.report_reject(report=submitted, acting_user=staff.intake, reason="  ")
    report = actions.report_reject(
        report=submitted, acting_user=staff.intake, reason="Không thuộc phạm vi tiếp nhận."
    )
    report.refresh_from_db()
    assert report.status == S.REJECTED
    assert report.public_reason == "Không thuộc phạm vi tiếp nhận."
    assert report.published_at is None and report.closed_at is not None
    event = last_event(report)
    assert event.is_public and event.public_message == report.public_reason


def test_duplicate_moves_followers_to_the_original_and_tells_them(staff, accepted):
    original = accepted
    duplicate = SubmittedReportFactory(commune=staff.commune)
    Follower.objects.create(report=duplicate, email="metoo@example.vn")
    Follower.objects.create(report=original, email="metoo@example.vn")  # already follows both
    Follower.objects.create(report=duplicate, email="neighbour@example.vn")
    Report.objects.filter(pk=duplicate.pk).update(follower_count=3)
    Report.objects.filter(pk=original.pk).update(follower_count=2)

    report = actions.report_mark_duplicate(
        report=duplicate, acting_user=staff.intake, original=original, note="cùng vị trí"
    )
    report.refresh_from_db()
    original.refresh_from_db()
    assert report.status == S.DUPLICATE and report.duplicate_of == original
    event = ReportEvent.objects.get(report=report, kind=Kind.MARKED_DUPLICATE)
    assert event.is_public and event.data == {"original": original.tracking_code}
    told = set(OutboundEmail.objects.filter(event_id=event.pk).values_list("recipient", flat=True))
    assert told == {duplicate.reporter_email, "metoo@example.vn", "neighbour@example.vn"}
    assert set(original.followers.values_list("email", flat=True)) == {
        original.reporter_email,
        duplicate.reporter_email,
        "metoo@example.vn",
        "neighbour@example.vn",
    }
    assert not original.followers.get(email=duplicate.reporter_email).is_reporter
    # The reporter keeps their own report; the others left it.
    assert list(report.followers.values_list("email", flat=True)) == [duplicate.reporter_email]
    assert (original.follower_count, report.follower_count) == (4, 1)


def test_duplicate_of_a_duplicate_points_at_the_first_report(staff, accepted):
    second = actions.report_mark_duplicate(
        report=SubmittedReportFactory(commune=staff.commune),
        acting_user=staff.intake,
        original=accepted,
    )
    third = actions.report_mark_duplicate(
        report=SubmittedReportFactory(commune=staff.commune),
        acting_user=staff.intake,
        original=second,
    )
    assert third.duplicate_of_id == accepted.pk


def test_duplicate_refusals(staff, accepted):
    with pytest.raises(ValidationError):
        actions.report_mark_duplicate(report=accepted, acting_user=staff.intake, original=accepted)
    rejected = actions.report_reject(
        report=SubmittedReportFactory(commune=staff.commune),
        acting_user=staff.intake,
        reason="spam",
    )
    with pytest.raises(ValidationError):
        actions.report_mark_duplicate(report=accepted, acting_user=staff.intake, original=rejected)
    # A manager cannot merge into a report they cannot see.
    elsewhere = actions.report_accept(
        report=SubmittedReportFactory(commune=staff.commune),
        acting_user=staff.intake,
        department=staff.other_agency,
    )
    with pytest.raises(NotAllowed):
        actions.report_mark_duplicate(
            report=accepted, acting_user=staff.manager, original=elsewhere
        )
    with pytest.raises(NotAllowed):
        actions.report_mark_duplicate(
            report=accepted, acting_user=staff.officer, original=elsewhere
        )


# --- transfer, assign, priority --------------------------------------------------------------


def test_transfer_hands_over_and_clears_the_assignee(staff, in_progress):
    assert in_progress.assigned_to == staff.officer
    with pytest.raises(ValidationError):
        actions.report_transfer(
            report=in_progress, acting_user=staff.officer, department=staff.other_agency, reason=""
        )
    with pytest.raises(ValidationError):
        actions.report_transfer(
            report=in_progress, acting_user=staff.officer, department=staff.committee, reason="x"
        )
    report = actions.report_transfer(
        report=in_progress,
        acting_user=staff.officer,
        department=staff.other_agency,
        reason="Cầu thuộc Sở Xây dựng quản lý",
    )
    report.refresh_from_db()
    assert report.department == staff.other_agency and report.assigned_to is None
    event = last_event(report)
    assert event.is_public and event.internal_note == "Cầu thuộc Sở Xây dựng quản lý"
    assert event.public_message == ""
    # The old agency can no longer act on it; the new one can.
    with pytest.raises(NotAllowed):
        actions.report_add_note(report=report, acting_user=staff.officer, text="x")
    actions.report_add_note(report=report, acting_user=staff.other_officer, text="đã nhận")


def test_assign_only_to_officers_of_the_agency(staff, accepted):
    with pytest.raises(ValidationError):
        actions.report_assign(
            report=accepted, acting_user=staff.manager, assignee=staff.other_officer
        )
    report = actions.report_assign(
        report=accepted, acting_user=staff.manager, assignee=staff.officer2
    )
    assert report.assigned_to == staff.officer2
    event = last_event(report)
    assert event.kind == Kind.ASSIGNED and not event.is_public
    # Assigning the same person again writes nothing.
    actions.report_assign(report=report, acting_user=staff.manager, assignee=staff.officer2)
    assert ReportEvent.objects.filter(report=report, kind=Kind.ASSIGNED).count() == 1
    with pytest.raises(NotAllowed):
        actions.report_assign(report=report, acting_user=staff.leader, assignee=staff.officer)
    with pytest.raises(NotAllowed):
        actions.report_assign(
            report=report, acting_user=staff.other_manager, assignee=staff.other_officer
        )


def test_urgent_shortens_the_resolution_target(staff, clock):
    report = actions.report_accept(
        report=SubmittedReportFactory(commune=staff.commune, submitted_at=clock.now),
        acting_user=staff.intake,
    )
    with pytest.raises(NotAllowed):
        actions.report_set_priority(
            report=report, acting_user=staff.officer, priority=Report.Priority.URGENT
        )
    report = actions.report_set_priority(
        report=report, acting_user=staff.manager, priority=Report.Priority.URGENT, reason="nguy"
    )
    # Accepted Monday 08:00; urgent is 4 working hours: 3 h 30 to 11:30, 30 min from 13:30.
    assert report.resolution_due_at == datetime(2025, 3, 3, 14, 0, tzinfo=HCM)
    event = last_event(report)
    assert (event.kind, event.data["from"], event.data["to"]) == (
        Kind.PRIORITY_CHANGED,
        "normal",
        "urgent",
    )


# --- handling --------------------------------------------------------------------------------


def test_start_assigns_the_officer_who_starts(staff, accepted):
    with pytest.raises(NotAllowed):
        actions.report_start(report=accepted, acting_user=staff.intake)
    report = actions.report_start(report=accepted, acting_user=staff.officer2)
    assert report.status == S.IN_PROGRESS and report.assigned_to == staff.officer2
    assert last_event(report).is_public
    with pytest.raises(NotAllowed):
        actions.report_start(report=report, acting_user=staff.officer)


def test_information_round_trip_pauses_the_resolution_clock(staff, clock):
    report = actions.report_accept(
        report=SubmittedReportFactory(commune=staff.commune, submitted_at=clock.now),
        acting_user=staff.intake,
    )
    # Accepted Monday 03/03 08:00 + 10 working days = Monday 17/03 08:00.
    assert report.resolution_due_at == datetime(2025, 3, 17, 8, 0, tzinfo=HCM)
    with pytest.raises(ValidationError):
        actions.report_request_info(report=report, acting_user=staff.officer, question=" ")
    report = actions.report_request_info(
        report=report, acting_user=staff.officer, question="Ổ gà ở trước số nhà mấy?"
    )
    assert report.status == S.WAITING_INFO and report.resolution_paused_at == clock.now
    event = last_event(report)
    # The question reaches the reporter only.
    assert not event.is_public and event.public_message == "Ổ gà ở trước số nhà mấy?"
    assert list(
        OutboundEmail.objects.filter(event_id=event.pk).values_list("recipient", flat=True)
    ) == [report.reporter_email]

    clock.advance(hours=2)  # two working hours later (08:00 → 10:00)
    with pytest.raises(NotAllowed):
        actions.report_provide_info(report=report, token="forged", text="số 12")
    with pytest.raises(NotAllowed):
        actions.report_provide_info(report=report, acting_user=staff.officer, text="số 12")
    photo = staged_photo()
    report = actions.report_provide_info(
        report=report, token=token(report), text="Trước số nhà 12.", photos=[photo]
    )
    report.refresh_from_db()
    assert report.status == S.IN_PROGRESS and report.resolution_paused_at is None
    assert report.resolution_paused_total == timedelta(hours=2)
    # The 2 working hours waited move the deadline from 08:00 to 10:00.
    assert report.resolution_due_at == datetime(2025, 3, 17, 10, 0, tzinfo=HCM)
    answer = last_event(report)
    assert answer.kind == Kind.INFO_PROVIDED and answer.actor is None and not answer.is_public
    photo.refresh_from_db()
    assert (photo.report, photo.event, photo.kind) == (report, answer, Photo.Kind.INFO)


def test_reporter_account_may_answer_without_the_link(staff):
    report = actions.report_accept(
        report=SubmittedReportFactory(commune=staff.commune, reporter=staff.citizen),
        acting_user=staff.intake,
    )
    actions.report_request_info(report=report, acting_user=staff.intake, question="?")
    report = actions.report_provide_info(report=report, acting_user=staff.citizen, text="đây")
    assert report.status == S.IN_PROGRESS
    assert last_event(report).actor == staff.citizen


def test_provide_info_needs_content_and_a_pending_question(staff, in_progress):
    with pytest.raises(NotAllowed):
        actions.report_provide_info(report=in_progress, token=token(in_progress), text="x")
    actions.report_request_info(report=in_progress, acting_user=staff.officer, question="?")
    with pytest.raises(ValidationError):
        actions.report_provide_info(report=in_progress, token=token(in_progress), text=" ")


def test_internal_note_stays_internal(staff, accepted):
    event = actions.report_add_note(report=accepted, acting_user=staff.officer, text="gọi điện")
    assert not event.is_public and event.internal_note == "gọi điện" and event.public_message == ""
    assert not OutboundEmail.objects.filter(event_id=event.pk).exists()
    for who in ("leader", "other_officer", "citizen"):
        with pytest.raises(NotAllowed):
            actions.report_add_note(report=accepted, acting_user=getattr(staff, who), text="x")


def test_public_update_is_the_first_response(staff, clock):
    report = actions.report_accept(
        report=SubmittedReportFactory(commune=staff.commune, submitted_at=clock.now),
        acting_user=staff.intake,
    )
    clock.advance(hours=1)
    event = actions.report_post_update(
        report=report, acting_user=staff.officer, message="Đã cử người kiểm tra."
    )
    report.refresh_from_db()
    assert event.is_public and report.first_response_at == clock.now
    clock.advance(hours=1)
    actions.report_post_update(report=report, acting_user=staff.officer, message="Đang vá.")
    report.refresh_from_db()
    assert report.first_response_at == clock.now - timedelta(hours=1)
    assert OutboundEmail.objects.filter(event_id=event.pk).exists()


def test_only_a_manager_extends_with_a_reason(staff, clock):
    report = actions.report_accept(
        report=SubmittedReportFactory(commune=staff.commune, submitted_at=clock.now),
        acting_user=staff.intake,
    )
    for who in ("officer", "intake", "leader", "other_manager"):
        with pytest.raises(NotAllowed):
            actions.report_extend_deadline(
                report=report, acting_user=getattr(staff, who), working_days=3, reason="x"
            )
    with pytest.raises(ValidationError):
        actions.report_extend_deadline(
            report=report, acting_user=staff.manager, working_days=3, reason=""
        )
    with pytest.raises(ValidationError):
        actions.report_extend_deadline(
            report=report, acting_user=staff.manager, working_days=0, reason="x"
        )
    report = actions.report_extend_deadline(
        report=report, acting_user=staff.manager, working_days=3, reason="Chờ vật tư"
    )
    assert report.resolution_extended
    # Due Monday 17/03 08:00 (accepted Monday 03/03 08:00 + 10 working days); 3 more working
    # days (24 h): 7 h Monday, 8 h Tuesday, 8 h Wednesday, 1 h Thursday from 07:00 = 08:00.
    assert report.resolution_due_at == datetime(2025, 3, 20, 8, 0, tzinfo=HCM)
    event = last_event(report)
    assert event.kind == Kind.DEADLINE_EXTENDED and event.internal_note == "Chờ vật tư"


def test_resolve_with_after_photos(staff, accepted):
    photos = [staged_photo(), staged_photo()]
    for who in ("intake", "leader", "other_officer"):
        with pytest.raises(NotAllowed):
            actions.report_resolve(report=accepted, acting_user=getattr(staff, who), answer="x")
    with pytest.raises(ValidationError):
        actions.report_resolve(report=accepted, acting_user=staff.officer, answer="")
    report = actions.report_resolve(
        report=accepted, acting_user=staff.officer, answer="Đã vá xong.", photos=photos
    )
    assert report.status == S.RESOLVED and report.resolved_at and report.first_response_at
    event = last_event(report)
    assert event.is_public and event.public_message == "Đã vá xong."
    assert set(event.photos.values_list("kind", flat=True)) == {Photo.Kind.AFTER}
    assert event.photos.count() == 2
    with pytest.raises(NotAllowed):
        actions.report_resolve(report=report, acting_user=staff.officer, answer="again")


def test_resolving_while_waiting_ends_the_pause(staff, clock):
    report = actions.report_accept(
        report=SubmittedReportFactory(commune=staff.commune, submitted_at=clock.now),
        acting_user=staff.intake,
    )
    actions.report_request_info(report=report, acting_user=staff.officer, question="?")
    clock.advance(hours=1)
    report = actions.report_resolve(report=report, acting_user=staff.officer, answer="xong")
    assert report.resolution_paused_at is None
    assert report.resolution_paused_total == timedelta(hours=1)


def test_a_photo_cannot_be_attached_twice(staff, accepted):
    photo = staged_photo()
    other = SubmittedReportFactory(commune=staff.commune)
    Photo.objects.filter(pk=photo.pk).update(report=other)
    with pytest.raises(ValidationError):
        actions.report_resolve(
            report=accepted, acting_user=staff.officer, answer="x", photos=[photo]
        )
    accepted.refresh_from_db()
    assert accepted.status == S.ACCEPTED  # the whole action was rolled back


# --- reopen, close, rate ---------------------------------------------------------------------


def test_staff_reopen(staff, resolved):
    for who in ("officer", "leader", "other_manager"):
        with pytest.raises(NotAllowed):
            actions.report_reopen(report=resolved, acting_user=getattr(staff, who), reason="x")
    report = actions.report_reopen(
        report=resolved, acting_user=staff.manager, reason="Mặt đường lại lún."
    )
    assert report.status == S.IN_PROGRESS and report.resolved_at is None
    event = last_event(report)
    assert event.is_public and event.public_message == "Mặt đường lại lún."


def test_reporter_reopens_only_within_the_dispute_window(staff, clock):
    report = actions.report_accept(
        report=SubmittedReportFactory(commune=staff.commune, submitted_at=clock.now),
        acting_user=staff.intake,
    )
    report = actions.report_resolve(report=report, acting_user=staff.officer, answer="xong")
    clock.advance(days=8)
    with pytest.raises(NotAllowed):
        actions.report_reopen(report=report, token=token(report), reason="chưa sửa")
    clock.advance(days=-2)
    report = actions.report_reopen(report=report, token=token(report), reason="chưa sửa")
    assert report.status == S.IN_PROGRESS
    event = last_event(report)
    assert event.data == {"by_reporter": True} and event.public_message == ""


def test_close_by_the_system_or_a_manager(staff, resolved):
    with pytest.raises(NotAllowed):
        actions.report_close(report=resolved, acting_user=staff.officer)
    report = actions.report_close(report=resolved, acting_user=None)
    assert report.status == S.CLOSED and report.closed_at
    event = last_event(report)
    assert event.actor is None and event.data == {"automatic": True}
    with pytest.raises(NotAllowed):
        actions.report_close(report=report, acting_user=None)


def test_rating_once_per_answer(staff, resolved):
    with pytest.raises(NotAllowed):
        actions.report_rate(report=resolved, acting_user=staff.officer, value="satisfied")
    with pytest.raises(ValidationError):
        actions.report_rate(report=resolved, token=token(resolved), value="great")
    rating = actions.report_rate(
        report=resolved, token=token(resolved), value="satisfied", comment="Cảm ơn"
    )
    assert (rating.department, rating.comment) == (staff.committee, "Cảm ơn")
    resolved.refresh_from_db()
    assert resolved.status == S.RESOLVED
    with pytest.raises(ValidationError):
        actions.report_rate(report=resolved, token=token(resolved), value="not_satisfied")


def test_not_satisfied_reopens_within_the_window(staff, resolved):
    actions.report_rate(
        report=resolved, token=token(resolved), value="not_satisfied", comment="Vẫn còn ổ gà"
    )
    resolved.refresh_from_db()
    assert resolved.status == S.IN_PROGRESS
    reopened = last_event(resolved)
    assert reopened.kind == Kind.REOPENED and reopened.internal_note == "Vẫn còn ổ gà"
    # Solved again, the reporter may rate the new answer.
    report = actions.report_resolve(report=resolved, acting_user=staff.officer, answer="lần 2")
    actions.report_rate(report=report, token=token(report), value="acceptable")
    assert Rating.objects.filter(report=report).count() == 2


def test_not_satisfied_after_the_window_only_records(staff, resolved):
    Report.objects.filter(pk=resolved.pk).update(resolved_at=timezone.now() - timedelta(days=8))
    actions.report_rate(report=resolved, token=token(resolved), value="not_satisfied")
    resolved.refresh_from_db()
    assert resolved.status == S.RESOLVED


# --- bulk ------------------------------------------------------------------------------------


def test_bulk_accept_goes_on_after_a_refusal(staff, accepted):
    fresh = [SubmittedReportFactory(commune=staff.commune) for _ in range(2)]
    result = actions.reports_bulk_accept(
        reports=[fresh[0], accepted, fresh[1]], acting_user=staff.intake
    )
    assert result.done == [fresh[0].tracking_code, fresh[1].tracking_code]
    assert [code for code, _ in result.refused] == [accepted.tracking_code]
    assert set(
        Report.objects.filter(pk__in=[r.pk for r in fresh]).values_list("status", flat=True)
    ) == {S.ACCEPTED}


def test_bulk_dispatch_and_assign(staff):
    reports = [SubmittedReportFactory(commune=staff.commune) for _ in range(3)]
    result = actions.reports_bulk_accept(
        reports=reports, acting_user=staff.intake, department=staff.other_agency
    )
    assert len(result.done) == 3
    reports = list(Report.objects.filter(pk__in=[r.pk for r in reports]))
    assert {r.department for r in reports} == {staff.other_agency}
    result = actions.reports_bulk_assign(
        reports=reports, acting_user=staff.other_manager, assignee=staff.other_officer
    )
    assert len(result.done) == 3
    result = actions.reports_bulk_assign(
        reports=reports, acting_user=staff.manager, assignee=staff.officer
    )
    assert result.done == [] and len(result.refused) == 3


def test_an_extended_deadline_survives_a_priority_change(staff, accepted):
    report = actions.report_extend_deadline(
        report=accepted, acting_user=staff.manager, working_days=5, reason="Chờ vật tư"
    )
    due = report.resolution_due_at
    report = actions.report_set_priority(
        report=report, acting_user=staff.manager, priority=Report.Priority.URGENT
    )
    assert report.resolution_due_at == due


def test_reopening_puts_the_report_back_under_watch(staff, resolved):
    Report.objects.filter(pk=resolved.pk).update(deadline_check_at=None)
    resolved.refresh_from_db()
    report = actions.report_reopen(report=resolved, acting_user=staff.manager, reason="lún")
    report.refresh_from_db()
    assert report.deadline_check_at is not None
