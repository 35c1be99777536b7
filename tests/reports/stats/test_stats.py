"""Statistics: every figure against values computed by hand on a fixed set of seven reports,
the rollup's idempotence, and the pages."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import StaffMembership
from reports.deadlines.clocks import deadline_outcome
from reports.models import DailyStat, Rating, Report, ReportEvent, RollupState
from reports.stats.durations import bucket_index, median_hours
from reports.stats.figures import Period, department_overview, province_overview
from reports.stats.refresh import refresh_rollups
from reports.stats.rollup import recompute_days
from services.models import Commune, Department
from tests.factories import StaffFactory, UserFactory, membership
from tests.public_fixtures import S, at, public_report

pytestmark = pytest.mark.django_db

NOW = at("2026-03-12 12:00")
MARCH = Period(start=date(2026, 3, 2), end=date(2026, 3, 10))
DAYS = [date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 9)]


# --- Pure parts --------------------------------------------------------------------------


def test_deadline_outcome():
    due = at("2026-03-02 10:00")
    assert deadline_outcome(at("2026-03-02 09:59"), due, False) == "on_time"
    assert deadline_outcome(due, due, False) == "on_time"
    assert deadline_outcome(at("2026-03-02 10:01"), due, False) == "late"
    assert deadline_outcome(at("2026-03-02 09:00"), due, True) == "late_extended"
    assert deadline_outcome(at("2026-03-02 11:00"), due, True) == "late"
    assert deadline_outcome(at("2026-03-02 11:00"), None, False) == "on_time"


def test_duration_buckets_and_grouped_median():
    assert bucket_index(timedelta(minutes=30)) == 0
    assert bucket_index(timedelta(hours=1)) == 1  # edges belong to the bucket above
    assert bucket_index(timedelta(hours=24)) == 6
    assert bucket_index(timedelta(days=90)) == 14  # open-ended last bucket
    counts = [0] * 15
    assert median_hours(counts) is None
    counts[6] = 1  # one duration in [24 h, 48 h)
    assert median_hours(counts) == 36  # the middle of its bucket
    counts[4], counts[8] = 1, 1  # [8, 16) and [72, 120)
    # n = 3, half = 1.5: one below [24, 48), so 24 + (1.5 − 1) / 1 × 24 = 36.
    assert median_hours(counts) == 36
    counts = [2, 1, 0, 1] + [0] * 11
    # n = 4, half = 2: bucket [0, 1) holds two: 0 + 2 / 2 × 1 = 1.
    assert median_hours(counts) == 1
    assert median_hours([0] * 14 + [3]) == 1440  # open-ended: its lower edge


# --- The fixed data set ------------------------------------------------------------------


def rate(report, value):
    Rating.objects.create(report=report, value=value, department=report.department)


@pytest.fixture
def seven(catalogue):
    """Seven reports over two weeks in March 2026, times local (see the module docstring)."""
    r1 = public_report(
        submitted_at=at("2026-03-02 08:00"),
        department="SXD",
        status=S.RESOLVED,
        accepted_at=at("2026-03-02 09:00"),
        intake_done_at=at("2026-03-02 09:00"),
        intake_due_at=at("2026-03-02 10:00"),
        first_response_at=at("2026-03-02 10:00"),
        response_due_at=at("2026-03-02 13:00"),
        resolved_at=at("2026-03-03 09:00"),
        resolution_due_at=at("2026-03-04 09:00"),
    )
    rate(r1, Rating.Value.NOT_SATISFIED)  # changed their mind: only the latest counts
    rate(r1, Rating.Value.SATISFIED)
    r2 = public_report(
        submitted_at=at("2026-03-02 09:00"),
        department="SXD",
        status=S.CLOSED,
        accepted_at=at("2026-03-02 12:00"),
        intake_done_at=at("2026-03-02 12:00"),
        intake_due_at=at("2026-03-02 11:00"),
        first_response_at=at("2026-03-02 18:00"),
        response_due_at=at("2026-03-02 16:00"),
        resolved_at=at("2026-03-05 12:00"),
        resolution_due_at=at("2026-03-06 12:00"),
        resolution_extended=True,
        closed_at=at("2026-03-09 12:00"),
    )
    rate(r2, Rating.Value.NOT_SATISFIED)
    r3 = public_report(
        submitted_at=at("2026-03-02 10:00"),
        commune_name="Phường Bạc Liêu",
        category="STREETLIGHT",
        department="CA_TINH",
        status=S.IN_PROGRESS,
        accepted_at=at("2026-03-02 10:30"),
        intake_done_at=at("2026-03-02 10:30"),
        intake_due_at=at("2026-03-02 12:00"),
        response_due_at=at("2026-03-02 14:30"),
        resolution_due_at=at("2026-03-20 10:30"),
    )
    r4 = public_report(
        submitted_at=at("2026-03-03 08:00"),
        commune_name="Phường Bạc Liêu",
        category="STREETLIGHT",
        department="CA_TINH",
        status=S.RESOLVED,
        accepted_at=at("2026-03-03 09:00"),
        intake_done_at=at("2026-03-03 09:00"),
        intake_due_at=at("2026-03-03 10:00"),
        first_response_at=at("2026-03-03 09:30"),
        response_due_at=at("2026-03-03 13:00"),
        resolved_at=at("2026-03-03 20:00"),
        resolution_due_at=at("2026-03-03 17:00"),
    )
    rate(r4, Rating.Value.ACCEPTABLE)
    r5 = public_report(
        submitted_at=at("2026-03-03 09:00"),
        category="NOISE",
        published=False,
        status=S.SUBMITTED,
        intake_due_at=at("2026-03-03 11:00"),
    )
    r6 = public_report(
        submitted_at=at("2026-03-03 10:00"),
        category="NOISE",
        published=False,
        status=S.REJECTED,
        intake_done_at=at("2026-03-03 10:30"),
        intake_due_at=at("2026-03-03 12:00"),
        public_reason="Không thuộc thẩm quyền.",
    )
    r7 = public_report(
        submitted_at=at("2026-03-09 08:00"),
        department="SXD",
        status=S.WAITING_INFO,
        accepted_at=at("2026-03-09 08:30"),
        intake_done_at=at("2026-03-09 08:30"),
        intake_due_at=at("2026-03-09 10:00"),
        first_response_at=at("2026-03-09 09:00"),
        response_due_at=at("2026-03-09 12:30"),
        resolution_due_at=at("2026-03-10 08:30"),
    )
    recompute_days(DAYS, now=NOW)
    return [r1, r2, r3, r4, r5, r6, r7]


def test_province_figures(seven):
    figures = province_overview(MARCH).totals
    assert (figures.received, figures.accepted, figures.resolved) == (7, 5, 3)
    assert (figures.open, figures.overdue) == (3, 2)  # R3 (no first response), R5 (intake)
    assert (figures.intake.on_time, figures.intake.late_extended, figures.intake.late) == (5, 0, 1)
    assert (figures.response.on_time, figures.response.late) == (3, 1)
    assert (
        figures.resolution.on_time,
        figures.resolution.late_extended,
        figures.resolution.late,
    ) == (1, 1, 1)
    assert figures.intake.on_time_rate == 5 / 6
    assert figures.resolution.on_time_rate == 1 / 3
    assert (figures.satisfied, figures.acceptable, figures.not_satisfied) == (1, 1, 1)
    assert figures.satisfaction_rate == 1 / 3
    # Response times 1 h, 6 h, 0.5 h, 0.5 h: buckets [0,1)×2, [1,2), [4,8) → 1 h.
    assert figures.median_response_hours == 1
    # Resolution times 24 h, 72 h, 11 h → 36 h (the exact median, 24 h, is in the same bucket).
    assert figures.median_resolution_hours == 36
    assert figures.resolved_rate == 3 / 7


def test_agency_figures_and_league(seven):
    overview = province_overview(MARCH)
    by_code = {f.code: f for f in overview.departments}
    sxd, police = by_code["SXD"], by_code["CA_TINH"]
    assert (sxd.received, sxd.resolved, sxd.open, sxd.overdue) == (3, 2, 1, 0)
    assert sxd.resolution.on_time_rate == 0.5
    assert sxd.median_response_hours == 1.5  # 1 h, 6 h, 0.5 h: half = 1.5 in [1,2)
    assert (police.received, police.resolved, police.open, police.overdue) == (2, 1, 1, 1)
    assert police.resolution.on_time_rate == 0
    assert police.median_resolution_hours == 12  # one in [8, 16)
    assert [f.code for f in overview.league] == ["SXD", "CA_TINH"]
    assert by_code["IOC"].is_empty


def test_commune_category_and_weekly_figures(seven):
    overview = province_overview(MARCH)
    communes = {f.name: f for f in overview.communes}
    assert communes["Phường An Xuyên"].received == 5
    assert communes["Phường Bạc Liêu"].received == 2
    assert communes["Phường Bạc Liêu"].overdue == 1
    assert len(overview.communes) == Commune.objects.count()
    top = [(f.code, f.received) for f in overview.top_categories]
    assert top[0] == ("ROAD_DAMAGE", 3)
    assert sorted(top[1:]) == [("NOISE", 2), ("STREETLIGHT", 2)]
    weekly = [(w.start, w.received, w.resolved) for w in overview.weekly]
    assert weekly == [(date(2026, 3, 2), 6, 3), (date(2026, 3, 9), 1, 0)]


def test_one_agency_overview(seven):
    overview = department_overview(Department.objects.get(code="SXD"), MARCH)
    assert overview.totals.received == 3 and overview.totals.name == "Sở Xây dựng"
    assert [(f.code, f.received) for f in overview.top_categories] == [("ROAD_DAMAGE", 3)]
    assert [(w.received, w.resolved) for w in overview.weekly] == [(2, 2), (1, 0)]


def test_a_period_counts_only_its_days(seven):
    second_day = province_overview(Period(start=date(2026, 3, 3), end=date(2026, 3, 3))).totals
    assert (second_day.received, second_day.resolved, second_day.overdue) == (3, 1, 1)


def test_overdue_follows_the_clock(seven):
    recompute_days([date(2026, 3, 2)], now=at("2026-03-02 14:00"))
    # At 14:00 the first response of R3 (due 14:30) is not late yet.
    assert province_overview(Period(date(2026, 3, 2), date(2026, 3, 2))).totals.overdue == 0
    recompute_days([date(2026, 3, 2)], now=at("2026-03-02 15:00"))
    assert province_overview(Period(date(2026, 3, 2), date(2026, 3, 2))).totals.overdue == 1


def test_every_agency_commune_and_category_has_a_row_every_day(seven):
    # The catalogue: the province, 76 agencies (64 commune committees and the 12 of
    # departments.csv), 64 communes and 22 categories: 1 + 76 + 64 + 22 = 163 rows a day.
    for day in DAYS:
        dense = DailyStat.objects.filter(day=day).exclude(scope=DailyStat.Scope.DEPARTMENT_CATEGORY)
        assert dense.count() == 163


def snapshot():
    fields = [f.name for f in DailyStat._meta.fields if f.name not in ("id", "computed_at")]
    return sorted(DailyStat.objects.values_list(*fields))


def test_recomputing_is_idempotent(seven):
    before = snapshot()
    recompute_days(DAYS, now=NOW)
    recompute_days(DAYS, now=NOW)
    assert snapshot() == before


def test_incremental_refresh_matches_a_full_rebuild(catalogue):
    today = timezone.now()
    reports = [public_report(department="SXD") for _ in range(3)]
    first = refresh_rollups()
    assert first.rebuilt
    assert (
        province_overview(Period(timezone.localdate(today), timezone.localdate(today))).totals.open
        == 3
    )
    # The agency resolves one report: the action writes the status and an event.
    report = reports[0]
    Report.objects.filter(pk=report.pk).update(
        status=S.RESOLVED, resolved_at=timezone.now(), first_response_at=timezone.now()
    )
    ReportEvent.objects.create(
        report=report, kind=ReportEvent.Kind.RESOLVED, created_at=timezone.now(), is_public=True
    )
    second = refresh_rollups()
    assert not second.rebuilt and second.days == 1  # only today's rows are recomputed
    incremental = snapshot()
    totals = province_overview(Period(timezone.localdate(today), timezone.localdate(today))).totals
    assert (totals.open, totals.resolved) == (2, 1)
    call_command("rebuild_stats")
    assert snapshot() == incremental
    assert RollupState.objects.get().watermark >= today


def test_beat_runs_the_refresh(catalogue):
    schedule = settings.CELERY_BEAT_SCHEDULE["refresh-statistics"]
    assert schedule["task"] == "reports.stats.tasks.refresh_statistics"
    from reports.stats.tasks import refresh_statistics

    public_report()
    refresh_statistics.delay()
    assert DailyStat.objects.filter(scope=DailyStat.Scope.PROVINCE, received=1).exists()


# --- Pages -------------------------------------------------------------------------------

MARCH_QUERY = {"period": "custom", "start": "02/03/2026", "end": "10/03/2026"}


def test_public_page_shows_the_figures_with_tables(client, seven):
    response = client.get(reverse("public:stats"), MARCH_QUERY)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-stat="received">7<' in html
    assert 'data-stat="overdue">2<' in html
    assert 'data-stat="median_resolution">36,0 giờ<' in html
    assert "02/03/2026" in html and "10/03/2026" in html
    assert '<canvas id="chart-weekly"' in html and 'data-table="weekly"' in html
    assert 'data-table="agencies"' in html and 'data-code="SXD"' in html
    assert html.index('data-code="SXD"') < html.index('data-code="CA_TINH"')
    assert "vendor/chartjs/chart.umd.js" in html
    for private in ("Trần Thị Bình", "binh.tran@example.vn"):
        assert private not in html


def test_public_page_in_english(client, seven):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("public:stats"), MARCH_QUERY).content.decode()
    assert "How reports are handled" in html
    assert 'data-stat="median_resolution">36.0 hours<' in html
    assert "83%" in html  # intake on time: 5 of 6


def test_bad_period_falls_back_to_the_default_and_says_why(client, catalogue):
    response = client.get(reverse("public:stats"), {"period": "custom", "start": "10/03/2026"})
    assert response.status_code == 200
    assert "text-danger" in response.content.decode()


def test_page_cost_does_not_depend_on_the_number_of_reports(
    client, catalogue, django_assert_num_queries
):
    recompute_days([timezone.localdate()])
    with django_assert_num_queries(9):
        client.get(reverse("public:stats"))
    for _ in range(5):
        public_report()
    recompute_days([timezone.localdate()])
    with django_assert_num_queries(9):
        client.get(reverse("public:stats"))


def test_staff_page_needs_a_staff_role(client, catalogue):
    url = reverse("public:staff_stats")
    assert client.get(url).status_code == 302
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403


def test_agency_staff_see_their_agency(client, seven):
    officer = StaffFactory()
    membership(officer, role=StaffMembership.Role.AGENCY_OFFICER, department_code="SXD")
    client.force_login(officer)
    response = client.get(reverse("public:staff_stats"), {**MARCH_QUERY, "agency": "CA_TINH"})
    html = response.content.decode()
    assert "Sở Xây dựng" in html
    assert 'data-stat="received">3<' in html  # SXD's reports, not another agency's
    assert 'data-table="agencies"' not in html


def test_leaders_see_the_province_and_any_agency(client, seven):
    leader = StaffFactory()
    membership(leader, role=StaffMembership.Role.LEADER, department_code=None)
    client.force_login(leader)
    html = client.get(reverse("public:staff_stats"), MARCH_QUERY).content.decode()
    assert 'data-stat="received">7<' in html and 'data-table="agencies"' in html
    html = client.get(
        reverse("public:staff_stats"), {**MARCH_QUERY, "agency": "CA_TINH"}
    ).content.decode()
    assert 'data-stat="received">2<' in html


def test_the_period_shown_is_the_period_counted(client, catalogue):
    html = client.get("/stats/").content.decode()
    assert '<option value="90d" selected>' in html
