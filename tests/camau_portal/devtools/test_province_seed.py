"""The province seeder leaves what the actions and the rollup would have: a timeline per
report that follows the workflow, deadlines, followers, photos, ratings, rollups, indexes."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Count, Sum

from accounts.models import StaffMembership
from camau_portal.devtools.province_seed import seed_province
from reports.deadlines.clocks import resolution_target, start_handling_clocks, start_intake_clock
from reports.models import DailyStat, Follower, MapCell, Photo, Rating, Report, ReportEvent
from reports.permissions import DESK_CHANNELS, HELPER_CHANNELS
from reports.workflow import DISPUTE_WINDOW, OPEN_STATUSES, status_at
from services.calendar import current_calendar

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the seeder writes with PostgreSQL's COPY"
)

S = Report.Status
Kind = ReportEvent.Kind


SEEDED_TABLES = [
    "reports_report",
    "reports_reportevent",
    "reports_photo",
    "reports_follower",
    "reports_rating",
]


def index_definitions() -> set[str]:
    """Every index and constraint of the tables the seeder fills, as PostgreSQL defines it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema()"
            " AND tablename = ANY(%s)",
            [SEEDED_TABLES],
        )
        indexes = {row[0] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid::regclass::text = ANY(%s)",
            [SEEDED_TABLES],
        )
        return indexes | {row[0] for row in cursor.fetchall()}


@pytest.fixture
def seeded_backlog(transactional_db, catalogue):
    indexes = index_definitions()
    result = seed_province(400, distribution="backlog", seed=7, processes=2, span_days=120)
    return result, indexes


def test_every_report_has_the_timeline_its_status_needs(seeded_backlog):
    result, _ = seeded_backlog
    assert result.reports == Report.objects.count() == 400
    for report in Report.objects.prefetch_related("events"):
        events = list(report.events.all())
        kinds = [event.kind for event in events]
        assert kinds.count(Kind.SUBMITTED) == 1, report.tracking_code
        # The last status change names the status the report has now.
        assert status_at(events, report.updated_at + timedelta(seconds=1)) == report.status
        if report.accepted_at:
            assert Kind.ACCEPTED in kinds
            assert report.published_at == report.accepted_at
            assert report.response_due_at > report.accepted_at
            assert report.resolution_due_at > report.accepted_at
        if report.status == S.CLOSED:
            assert report.closed_at - report.resolved_at >= DISPUTE_WINDOW
            assert Kind.CLOSED in kinds and Kind.RESOLVED in kinds
        if report.status == S.DUPLICATE:
            assert report.duplicate_of_id is not None
        if report.status in OPEN_STATUSES:
            assert report.deadline_check_at is not None
            assert report.intake_due_at > report.submitted_at


def test_every_finished_report_has_the_event_that_finished_it(seeded_backlog):
    for status, kind in (
        (S.CLOSED, Kind.CLOSED),
        (S.RESOLVED, Kind.RESOLVED),
        (S.REJECTED, Kind.REJECTED),
        (S.DUPLICATE, Kind.MARKED_DUPLICATE),
        (S.WAITING_INFO, Kind.INFO_REQUESTED),
    ):
        reports = Report.objects.filter(status=status)
        with_event = reports.filter(events__kind=kind).distinct()
        assert with_event.count() == reports.count(), status
    closed = Report.objects.filter(status=S.CLOSED)
    assert closed.exists()
    assert ReportEvent.objects.filter(kind=Kind.CLOSED).count() == closed.count()


def test_deadlines_and_reminder_checks_are_what_the_clocks_compute(seeded_backlog):
    """Every report's deadlines from the calendar as the actions would call it, and each open
    report's next check as ``start_intake_clock`` and ``start_handling_clocks`` leave it."""
    calendar = current_calendar()
    reports = list(Report.objects.select_related("category"))
    assert {report.status for report in reports} >= set(OPEN_STATUSES) - {S.RESOLVED}
    for report in reports:
        code = report.tracking_code
        assert report.intake_due_at == calendar.intake_deadline(report.submitted_at), code
        if report.accepted_at is None:
            assert report.response_due_at is None and report.resolution_due_at is None
        else:
            assert report.response_due_at == calendar.response_deadline(report.accepted_at)
            amount, unit = resolution_target(report)
            assert report.resolution_due_at == calendar.add_target(
                report.accepted_at, amount, unit
            ), code
        if report.status not in OPEN_STATUSES or report.status == S.RESOLVED:
            assert report.deadline_check_at is None, code
            continue
        fresh = Report(
            submitted_at=report.submitted_at,
            category=report.category,
            priority=report.priority,
            status=report.status,
        )
        start_intake_clock(fresh, calendar=calendar)
        if report.accepted_at is not None:
            start_handling_clocks(fresh, accepted_at=report.accepted_at, calendar=calendar)
        assert report.deadline_check_at == fresh.deadline_check_at, code


def test_reports_entered_for_residents_name_the_staff_who_typed_them(seeded_backlog):
    assisted = Report.objects.filter(entered_by__isnull=False)
    assert assisted.exists()
    assert not Report.objects.filter(
        source__in=DESK_CHANNELS + HELPER_CHANNELS, entered_by__isnull=True
    ).exists()
    assert not Report.objects.filter(
        source__in=[Report.Source.WEB, Report.Source.API], entered_by__isnull=False
    ).exists()
    roles = StaffMembership.Role
    for report in assisted.prefetch_related("entered_by__memberships", "events"):
        memberships = list(report.entered_by.memberships.all())
        if report.source in HELPER_CHANNELS:
            assert any(
                m.role == roles.COMMUNITY_HELPER and m.commune_id == report.commune_id
                for m in memberships
            ), report.tracking_code
        else:
            assert any(m.role == roles.HOTLINE_OPERATOR for m in memberships)
        # The resident can be told: staff take a contact for every report they enter.
        assert report.reporter_phone or report.reporter_email
        submitted = next(e for e in report.events.all() if e.kind == Kind.SUBMITTED)
        assert submitted.actor_id == report.entered_by_id
        assert submitted.data["channel"] == report.source


def test_backlog_is_a_quarter_open_and_mostly_overdue(seeded_backlog):
    now = Report.objects.order_by("-updated_at").first().updated_at + timedelta(minutes=30)
    open_count = Report.objects.open().count()
    # About a quarter to two fifths of the reports open.
    assert 0.18 * 400 <= open_count <= 0.40 * 400
    assert Report.objects.overdue(now).count() > open_count / 2


def test_followers_photos_and_ratings_are_rows_as_the_actions_write_them(seeded_backlog):
    with_email = Report.objects.exclude(reporter_email="")
    assert Follower.objects.filter(is_reporter=True).count() == with_email.count()
    assert not Report.objects.filter(follower_count=1, reporter_email="").exists()
    photos = Photo.objects.select_related("event")
    assert photos.count() > 100
    assert all(photo.event.kind == Kind.SUBMITTED for photo in photos)
    assert all(photo.report_id == photo.event.report_id for photo in photos)
    ratings = Rating.objects.select_related("report")
    assert ratings.exists()
    for rating in ratings:
        assert rating.report.status in (S.RESOLVED, S.CLOSED)
        assert rating.created_at >= rating.report.resolved_at
    assert ReportEvent.objects.filter(kind=Kind.RATED).count() == ratings.count()


def test_rollups_count_every_report_and_the_indexes_are_back(seeded_backlog):
    result, indexes_before = seeded_backlog
    province = DailyStat.objects.filter(scope=DailyStat.Scope.PROVINCE)
    assert province.aggregate(total=Sum("received"))["total"] == 400
    located_public = Report.objects.public().filter(latitude__isnull=False).count()
    coarsest = MapCell.objects.filter(category_key=0).values("level").annotate(n=Count("id"))
    level = min(row["level"] for row in coarsest)
    every_report = {"category_key": 0, "commune_key": 0, "period_days": 0}
    cells = MapCell.objects.filter(level=level, **every_report).aggregate(
        open=Sum("open"), fixed=Sum("fixed"), closed=Sum("closed")
    )
    assert cells["open"] + cells["fixed"] + cells["closed"] == located_public
    assert index_definitions() == indexes_before


def test_an_unknown_distribution_or_a_full_database_is_refused(transactional_db, catalogue):
    with pytest.raises(ValueError):
        seed_province(10, distribution="chaos")
    seed_province(120, distribution="steady", processes=1, span_days=20)
    with pytest.raises(RuntimeError):
        seed_province(10, distribution="steady")
