"""Seven reports over two weeks in March 2026 whose statistics are worked out by hand, times
local (Asia/Ho_Chi_Minh). Reports are filed through the submission; what the workflow did
afterwards is written as stated (see ``tests.public_fixtures``)."""

from datetime import date

from reports.models import DailyStat, Rating, Report
from reports.stats.figures import Period
from reports.stats.rollup import recompute_days
from tests.public_fixtures import S, at, public_report

NOW = at("2026-03-12 12:00")
MARCH = Period(start=date(2026, 3, 2), end=date(2026, 3, 10))
MARCH_QUERY = {"period": "custom", "start": "02/03/2026", "end": "10/03/2026"}
DAYS = [date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 9)]


def rate(report, value):
    Rating.objects.create(report=report, value=value, department=report.department)


def seven_reports() -> list[Report]:
    """Seven reports over two weeks in March 2026, counted into the rollup as of ``NOW``."""
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


def rollup_snapshot():
    fields = [f.name for f in DailyStat._meta.fields if f.name not in ("id", "computed_at")]
    return sorted(DailyStat.objects.values_list(*fields))
