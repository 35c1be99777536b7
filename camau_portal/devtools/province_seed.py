"""Fills an empty database with a province's worth of reports, fast, for the page benchmark.

The reports are shaped like Cà Mau's: spread over three years with growing use and daytime
peaks, every commune and category of the loaded reference data, routed as ``routing`` routes
them, each deadline computed by the working calendar and the clocks of ``reports.deadlines``.
Two distributions:

* ``steady``: intake within its window, most work resolved near its target, the closing task
  applied (resolved reports close after the dispute window): a healthy backlog.
* ``backlog``: the same province falling behind: a quarter of the reports still open, most of
  those past their deadline, and a pile awaiting intake.

Speed (a million reports in about five minutes on two cores; the phases are timed in the
command's progress output):

* the reports are generated a chunk at a time as numpy columns, every deadline by
  ``working_time`` (the working calendar as a table of cumulative working time, searched for
  a whole column at once, equal to ``services.sla`` to the microsecond), and copied into an
  unlogged staging table with one COPY BINARY per chunk, laid out by numpy;
* one ``INSERT ... SELECT`` per connection turns the staging rows into ``reports_report``
  (texts, codes and NULLs filled in by PostgreSQL), and set-based ``INSERT ... SELECT``
  statements, on two connections side by side, write what the actions derive from them (the
  timeline events, photo rows, followers, ratings);
* secondary indexes are dropped before and built once after the load (two at a time, the
  largest first), commits do not wait for the WAL flush, foreign keys are not re-checked row
  by row, and ANALYZE runs at the end;
* the rollups are rebuilt with the rollup's own ``compute_day``, days spread over two
  processes and written with COPY, so the statistics and map cells are exactly what the beat
  task would have made; the counters by ``reports.tallies``.
"""

from __future__ import annotations

import multiprocessing
import re
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np
from django.db import connection, connections, transaction
from django.utils import timezone
from psycopg.types.datetime import TimestamptzLoader

from accounts.models import StaffMembership, User
from camau_portal.devtools.demo_accounts import create_demo_accounts
from camau_portal.devtools.working_time import WorkingTimeTable, instant_micros, micros
from reports.deadlines.clocks import REMINDER_FRACTION
from reports.intake.routing import proposed_department
from reports.models import DailyStat, Follower, Photo, Rating, Report, ReportEvent, RollupState
from reports.public.map import rebuild_map_cells
from reports.search import search_text_for
from reports.stats.refresh import STATE_NAME
from reports.stats.rollup import ScopeKeys, compute_day, first_report_day, local_day
from reports.tallies import awaiting_rating_rebuild, tallies_rebuild
from reports.tracking import ALPHABET
from reports.workflow import DISPUTE_WINDOW
from services.calendar import current_calendar
from services.models import Category, Commune, Department
from services.sla import WORKING_DAYS

S = Report.Status
Kind = ReportEvent.Kind
SPAN_DAYS = 3 * 365
# Reports generated and copied at a time (a chunk's columns take about 30 MB).
CHUNK = 100_000
DISTRIBUTIONS = ("steady", "backlog")

# Local hour of day a report is sent: mornings and late afternoons, hardly any at night.
HOUR_WEIGHTS = [1, 0, 0, 0, 1, 3, 6, 9, 10, 9, 8, 6, 5, 6, 7, 8, 8, 7, 6, 5, 4, 3, 2, 1]
STREETS = [
    "Nguyễn Trãi", "Trần Hưng Đạo", "Lý Thường Kiệt", "Phan Ngọc Hiển", "Hùng Vương",
    "Ngô Quyền", "Lê Lợi", "Quang Trung", "Nguyễn Tất Thành", "Phạm Hồng Thám",
    "Lạc Long Quân", "Trần Phú", "Nguyễn Du", "Bà Triệu", "Đề Thám", "Quốc lộ 1A",
    "Quốc lộ 63", "Tỉnh lộ 983", "kênh Xáng", "chợ xã",
]  # fmt: skip
DETAILS = [
    "Đã kéo dài nhiều ngày, ảnh hưởng đến người dân đi lại.",
    "Buổi tối rất nguy hiểm, nhiều xe máy suýt té ngã.",
    "Người dân trong xóm đã phản ánh với ấp nhưng chưa được xử lý.",
    "Khu vực gần trường học, học sinh đi ngang hàng ngày.",
    "Trời mưa thì tình trạng càng nặng hơn.",
    "Đề nghị cơ quan chức năng kiểm tra và xử lý sớm.",
]
ANSWERS = [
    "Đơn vị đã cử tổ công tác kiểm tra và khắc phục xong.",
    "Đã phối hợp với UBND xã xử lý dứt điểm.",
    "Đã sửa chữa, đề nghị người dân tiếp tục theo dõi và phản ánh nếu tái diễn.",
]
REJECT_REASONS = [
    "Nội dung không thuộc phạm vi tiếp nhận của hệ thống.",
    "Thông tin chưa đủ để xác minh; đề nghị gửi lại kèm ảnh và vị trí.",
]


@dataclass(frozen=True)
class Shape:
    """How a distribution's reports fare, as shares of reports."""

    name: str
    rejected: float = 0.06
    duplicate: float = 0.02
    # Accepted reports the agency never finished, whatever their age.
    stuck: float = 0.0
    # Reports of the last two weeks still awaiting intake.
    intake_pile: float = 0.0

    @classmethod
    def named(cls, name: str) -> Shape:
        if name == "steady":
            return cls("steady")
        if name == "backlog":
            # A quarter open in all: the stuck accepted ones, plus recent intake and work.
            return cls("backlog", stuck=0.24, intake_pile=0.4)
        raise ValueError(f"unknown distribution {name!r}; choose from {', '.join(DISTRIBUTIONS)}")


@dataclass
class Catalogue:
    """The reference data a report draws from, as arrays indexed like ``categories`` and
    ``communes``."""

    categories: list[Category]
    category_weights: np.ndarray
    communes: list[Commune]
    commune_weights: np.ndarray
    routes: np.ndarray  # [category index, commune index] → department id (0: none)
    intake_officer: int
    hotline_operator: int
    helpers: np.ndarray  # by commune index: a community helper of that commune

    @classmethod
    def load(cls, rng: np.random.Generator) -> Catalogue:
        categories = list(Category.objects.filter(is_active=True).select_related("department"))
        communes = list(Commune.objects.filter(is_active=True))
        routes = np.zeros((len(categories), len(communes)), dtype=np.int64)
        for row, category in enumerate(categories):
            for column, commune in enumerate(communes):
                department = proposed_department(category=category, commune=commune)
                routes[row, column] = department.pk if department else 0
        helpers = dict(
            StaffMembership.objects.filter(role=StaffMembership.Role.COMMUNITY_HELPER)
            .order_by("-id")
            .values_list("commune_id", "user_id")
        )
        # A few kinds of problem make most of the reports, as everywhere.
        category_weights = 1 / np.arange(1, len(categories) + 1)
        # Towns report more than remote communes.
        commune_weights = rng.pareto(1.2, len(communes)) + 1
        return cls(
            categories=categories,
            category_weights=category_weights / category_weights.sum(),
            communes=communes,
            commune_weights=commune_weights / commune_weights.sum(),
            routes=routes,
            intake_officer=_member(StaffMembership.Role.INTAKE_OFFICER),
            hotline_operator=_member(StaffMembership.Role.HOTLINE_OPERATOR),
            helpers=np.array([helpers[commune.pk] for commune in communes], dtype=np.int64),
        )


def _member(role: str) -> int:
    return (
        StaffMembership.objects.filter(role=role)
        .order_by("id")
        .values_list("user_id", flat=True)[0]
    )


def create_benchmark_staff() -> dict[str, User]:
    """The demo accounts (one per role) plus an officer for every other agency, so that each
    agency's inbox has someone to assign to, and a community helper for every commune, so
    that each commune's assisted reports have the helper who typed them in."""
    accounts = {account.email: user for account, user in create_demo_accounts()}
    staffed = set(
        StaffMembership.objects.filter(role=StaffMembership.Role.AGENCY_OFFICER).values_list(
            "department_id", flat=True
        )
    )
    for department in Department.objects.exclude(pk__in=staffed).exclude(
        kind=Department.Kind.INTAKE
    ):
        user, _ = User.objects.get_or_create(
            email=f"officer.{department.code.lower()}@bench.camau.vn",
            defaults={"full_name": f"Cán bộ {department.code}", "is_staff": True},
        )
        StaffMembership.objects.get_or_create(
            user=user, role=StaffMembership.Role.AGENCY_OFFICER, department=department
        )
    helped = set(
        StaffMembership.objects.filter(role=StaffMembership.Role.COMMUNITY_HELPER).values_list(
            "commune_id", flat=True
        )
    )
    for commune in Commune.objects.filter(is_active=True).exclude(pk__in=helped):
        user, _ = User.objects.get_or_create(
            email=f"helper.{commune.pk}@bench.camau.vn",
            defaults={"full_name": f"Tổ công nghệ số {commune.name}"},
        )
        StaffMembership.objects.get_or_create(
            user=user, role=StaffMembership.Role.COMMUNITY_HELPER, commune=commune
        )
    return accounts


@dataclass
class SeedResult:
    reports: int
    events: int = 0
    photos: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


# The columns of the staging table ``seed_report``, as numpy types: every value is fixed-width,
# so a chunk goes to PostgreSQL as one binary COPY built by numpy without a Python loop. Missing
# values travel as sentinels (-infinity for instants, 0 for ids, -1 for choices) that the
# INSERT into ``reports_report`` turns into NULL or the empty string.
STAGING_COLUMNS: list[tuple[str, str, str]] = [
    # name, PostgreSQL type, numpy type (big-endian, as COPY BINARY wants)
    ("id", "bigint", ">i8"),
    ("tracking_code", "text", "S12"),
    ("category_id", "bigint", ">i8"),
    ("commune_id", "bigint", ">i8"),
    ("text", "int", ">i4"),  # which title and description: see ``_texts``
    ("latitude", "float8", ">f8"),
    ("longitude", "float8", ">f8"),
    ("source", "int", ">i4"),  # index into SOURCES
    ("entered_by_id", "bigint", ">i8"),
    ("proposed_department_id", "bigint", ">i8"),
    ("department_id", "bigint", ">i8"),
    ("duplicate_of_id", "bigint", ">i8"),
    ("public_reason", "int", ">i4"),
    ("has_reporter", "bool", "?"),
    ("has_phone", "bool", "?"),
    ("keeps_email", "bool", "?"),
    ("contact_allowed", "bool", "?"),
    ("name_hidden", "bool", "?"),
    ("english", "bool", "?"),
    ("status", "int", ">i4"),  # index into STATUSES
    ("submitted_at", "timestamptz", ">i8"),
    ("accepted_at", "timestamptz", ">i8"),
    ("intake_done_at", "timestamptz", ">i8"),
    ("first_response_at", "timestamptz", ">i8"),
    ("resolved_at", "timestamptz", ">i8"),
    ("closed_at", "timestamptz", ">i8"),
    ("intake_due_at", "timestamptz", ">i8"),
    ("response_due_at", "timestamptz", ">i8"),
    ("resolution_due_at", "timestamptz", ">i8"),
    ("resolution_paused_at", "timestamptz", ">i8"),
    ("deadline_check_at", "timestamptz", ">i8"),
    ("updated_at", "timestamptz", ">i8"),
    # Steps that live only in events, and what the reporter did afterwards.
    ("started_at", "timestamptz", ">i8"),
    ("info_at", "timestamptz", ">i8"),
    ("rated_at", "timestamptz", ">i8"),
    ("rating", "int", ">i4"),  # index into RATINGS
    ("photos", "int", ">i4"),
]
INSTANT_COLUMNS = [name for name, kind, _ in STAGING_COLUMNS if kind == "timestamptz"]
SOURCES = [
    S_.value
    for S_ in (
        Report.Source.WEB,
        Report.Source.API,
        Report.Source.HOTLINE,
        Report.Source.ZALO,
        Report.Source.WALK_IN,
        Report.Source.COMMUNITY_HELPER,
        Report.Source.EMAIL,
    )
]
# Most residents file on the web; the intake desk and the hamlets' helpers type in the rest.
SOURCE_WEIGHTS = [80, 9, 4, 2, 1, 3, 1]
DESK_SOURCES = [
    SOURCES.index(source)
    for source in (Report.Source.HOTLINE, Report.Source.ZALO, Report.Source.WALK_IN)
] + [SOURCES.index(Report.Source.EMAIL)]
HELPER_SOURCE = SOURCES.index(Report.Source.COMMUNITY_HELPER)
STATUSES = [status.value for status in S]
RATINGS = [Rating.Value.SATISFIED, Rating.Value.ACCEPTABLE, Rating.Value.NOT_SATISFIED]
# PostgreSQL's binary form of an instant counts microseconds from 2000-01-01 UTC, and its
# smallest value means -infinity: the seeder's "no such moment".
PG_EPOCH = instant_micros(datetime(2000, 1, 1, tzinfo=UTC))
NEVER = np.iinfo(np.int64).min
MINUTE, HOUR, DAY = 60 * 10**6, 3600 * 10**6, 86_400 * 10**6


def _status(name: str) -> int:
    return STATUSES.index(name)


class ReportColumns:
    """Generates a chunk of reports as numpy columns: who reported what where and when, what
    became of it by now (the workflow's steps in order), and every deadline by the working
    calendar, as the actions and the clocks of ``reports.deadlines`` would have set them."""

    def __init__(self, *, shape: Shape, catalogue: Catalogue, now: datetime, span_days: int):
        self.shape = shape
        self.catalogue = catalogue
        self.now = instant_micros(now)
        self.span = span_days * DAY
        today = timezone.localtime(now).date()
        # The longest target (a month of working days) fits in the year after today.
        self.table = WorkingTimeTable.build(
            current_calendar(),
            today - timedelta(days=span_days + 2),
            today + timedelta(days=400),
        )
        categories = catalogue.categories
        self.urgent_default = np.array([c.urgent_default for c in categories])
        target = self.table.working_day_length
        self.normal_target = np.array(
            [_target(c.resolution_target, c.resolution_unit, target) for c in categories]
        )
        self.urgent_target = np.array(
            [_target(c.urgent_target, c.urgent_unit, target) for c in categories]
        )
        self.category_ids = np.array([c.pk for c in categories], dtype=np.int64)
        self.commune_ids = np.array([c.pk for c in catalogue.communes], dtype=np.int64)
        self.latitudes = np.array([c.latitude for c in catalogue.communes])
        self.longitudes = np.array([c.longitude for c in catalogue.communes])
        self.hour_weights = np.array(HOUR_WEIGHTS) / sum(HOUR_WEIGHTS)

    def chunk(self, first_id: int, count: int, rng: np.random.Generator) -> np.ndarray:
        shape, cat, table, now = self.shape, self.catalogue, self.table, self.now
        ids = np.arange(first_id, first_id + count, dtype=np.int64)
        rows = _empty_rows(count)
        rows["id"] = ids
        rows["tracking_code"] = _tracking_codes(ids)
        category = rng.choice(len(cat.categories), count, p=cat.category_weights)
        commune = rng.choice(len(cat.communes), count, p=cat.commune_weights)
        rows["category_id"] = self.category_ids[category]
        rows["commune_id"] = self.commune_ids[commune]
        street = rng.integers(0, len(STREETS), count)
        rows["text"] = (category * len(STREETS) + street) * len(DETAILS) + rng.integers(
            0, len(DETAILS), count
        )
        rows["latitude"] = self.latitudes[commune] + rng.normal(0, 0.012, count)
        rows["longitude"] = self.longitudes[commune] + rng.normal(0, 0.012, count)
        urgent = self.urgent_default[category]
        source = rng.choice(len(SOURCES), count, p=np.array(SOURCE_WEIGHTS) / 100)
        rows["source"] = source
        desk = np.isin(source, DESK_SOURCES)
        helper = source == HELPER_SOURCE
        # Assisted entry names who typed the report in (a helper: of the report's commune).
        rows["entered_by_id"] = np.where(
            helper, cat.helpers[commune], np.where(desk, cat.hotline_operator, 0)
        )
        proposed = cat.routes[category, commune]
        rows["proposed_department_id"] = proposed
        rows["english"] = rng.random(count) < 0.03
        rows["name_hidden"] = rng.random(count) < 0.7
        # Staff take a phone number for every report they enter; a quarter of web reports give
        # no contact at all.
        has_reporter = (rng.random(count) < 0.75) | desk | helper
        rows["has_reporter"] = has_reporter
        rows["has_phone"] = (has_reporter & (rng.random(count) < 0.5)) | desk | helper
        rows["contact_allowed"] = has_reporter & (rng.random(count) < 0.6)
        rows["photos"] = rng.choice(4, count, p=[0.3, 0.4, 0.2, 0.1])

        # Sent: use grows over the span (density rising linearly to today), by daytime hours.
        age = (self.span * (1 - np.sqrt(rng.random(count)))).astype(np.int64)
        day = table.local_midnight(now - age)
        hour = rng.choice(24, count, p=self.hour_weights)
        moment = day + hour * HOUR + (rng.random(count) * HOUR).astype(np.int64)
        latest = now - (rng.uniform(60, 600, count) * 10**6).astype(np.int64)
        submitted = np.minimum(moment, latest)
        intake_due = table.intake_deadline(submitted)
        rows["submitted_at"], rows["intake_due_at"] = submitted, intake_due

        # Intake: within its window mostly; recent ones pile up in the backlog.
        recent = now - submitted < 14 * DAY
        intake_at = submitted + _times(intake_due - submitted, rng.lognormal(-0.7, 0.6, count))
        waiting = (intake_at > now) | (recent & (rng.random(count) < shape.intake_pile))
        draw = rng.random(count)
        rejected = ~waiting & (draw < shape.rejected)
        accepted = ~waiting & ~rejected
        status = np.full(count, _status(S.SUBMITTED))
        status[rejected] = _status(S.REJECTED)
        rows["intake_done_at"] = np.where(waiting, NEVER, intake_at)
        rows["closed_at"] = np.where(rejected, intake_at, NEVER)
        rows["public_reason"] = np.where(rejected, rng.integers(0, len(REJECT_REASONS), count), -1)
        rows["accepted_at"] = np.where(accepted, intake_at, NEVER)
        rows["department_id"] = np.where(accepted, proposed, 0)
        target = np.where(urgent, self.urgent_target[category], self.normal_target[category])
        response_due = table.response_deadline(intake_at)
        resolution_due = table.add(intake_at, target)
        rows["response_due_at"] = np.where(accepted, response_due, NEVER)
        rows["resolution_due_at"] = np.where(accepted, resolution_due, NEVER)

        # Merged into an earlier report soon after acceptance; the follow moves there.
        duplicate = accepted & (draw < shape.rejected + shape.duplicate) & (ids > 1)
        status[duplicate] = _status(S.DUPLICATE)
        earlier = ids - 1 - (rng.random(count) * np.minimum(ids - 1, 5000)).astype(np.int64)
        rows["duplicate_of_id"] = np.where(duplicate, earlier, 0)
        merged_at = intake_at + (rng.uniform(5, 600, count) * MINUTE).astype(np.int64)
        rows["closed_at"] = np.where(duplicate, np.minimum(merged_at, now), rows["closed_at"])

        # Handling: a first reply and a resolution around their targets, work started before.
        handled = accepted & ~duplicate
        first_reply = intake_at + _times(response_due - intake_at, rng.lognormal(-0.5, 0.7, count))
        resolved = intake_at + _times(resolution_due - intake_at, rng.lognormal(-0.5, 0.55, count))
        started = intake_at + _times(
            np.minimum(first_reply, resolved) - intake_at, rng.uniform(0.1, 0.9, count)
        )
        has_started = handled & (started < now)
        replied = handled & (first_reply < now) & (first_reply < resolved)
        still_open = handled & ((draw > 1 - shape.stuck) | (resolved > now))
        asked = still_open & has_started & (rng.random(count) < 0.06)
        info_at = started + _times(now - started, rng.random(count))
        status[still_open & ~has_started] = _status(S.ACCEPTED)
        status[still_open & has_started & ~asked] = _status(S.IN_PROGRESS)
        status[asked] = _status(S.WAITING_INFO)
        rows["info_at"] = np.where(asked, info_at, NEVER)
        rows["resolution_paused_at"] = rows["info_at"]
        done = handled & ~still_open
        closed = done & (now - resolved > micros(DISPUTE_WINDOW))
        status[done] = _status(S.RESOLVED)
        status[closed] = _status(S.CLOSED)
        rows["started_at"] = np.where(has_started | done, started, NEVER)
        rows["resolved_at"] = np.where(done, resolved, NEVER)
        rows["first_response_at"] = np.where(replied, first_reply, np.where(done, resolved, NEVER))
        closing = (
            resolved + micros(DISPUTE_WINDOW) + (rng.random(count) * 5 * MINUTE).astype(np.int64)
        )
        rows["closed_at"] = np.where(closed, closing, rows["closed_at"])
        rows["status"] = status

        # Rated within the dispute window; "not satisfied" only once closed (within the
        # window it would have reopened the report).
        keeps_email = has_reporter & ~duplicate
        rows["keeps_email"] = keeps_email
        rates = done & keeps_email & (rng.random(count) < 0.35)
        displeased = rates & closed & (rng.random(count) < 0.15)
        rated_at = np.where(
            displeased,
            closing + (rng.uniform(1, 48, count) * HOUR).astype(np.int64),
            resolved + (rng.uniform(1, 160, count) * HOUR).astype(np.int64),
        )
        rates &= rated_at < now
        rating = np.where(rng.random(count) < 0.7, 0, 1)
        rows["rating"] = np.where(rates, np.where(displeased, 2, rating), -1)
        rows["rated_at"] = np.where(rates, rated_at, NEVER)

        # The reminder scan looks at an open report by the first 75 % threshold of its clocks
        # (``start_intake_clock``, then ``start_handling_clocks`` on acceptance).
        check = table.threshold(submitted, intake_due, REMINDER_FRACTION)
        handling_check = np.minimum(
            table.threshold(intake_at, response_due, REMINDER_FRACTION),
            table.threshold(intake_at, resolution_due, REMINDER_FRACTION),
        )
        check = np.where(accepted, np.minimum(check, handling_check), check)
        rows["deadline_check_at"] = np.where(waiting | still_open, check, NEVER)

        rows["updated_at"] = np.maximum.reduce(
            [rows[name] for name in ("submitted_at", "intake_done_at", "first_response_at",
             "resolved_at", "closed_at", "started_at", "info_at", "rated_at")]
        )  # fmt: skip
        return rows


def _target(amount: int, unit: str, working_day: int) -> int:
    """``WorkingCalendar.target_duration`` in microseconds."""
    if unit == WORKING_DAYS:
        return amount * working_day
    return amount * HOUR


def _times(durations: np.ndarray, factors: np.ndarray) -> np.ndarray:
    return (durations * factors).astype(np.int64)


def _tracking_codes(ids: np.ndarray) -> np.ndarray:
    """``seeded_code`` for a whole array: the id in base 32, as ``CM-XXXX-XXXX``."""
    alphabet = np.frombuffer(ALPHABET.encode(), dtype=np.uint8)
    codes = np.empty((ids.size, 12), dtype=np.uint8)
    codes[:, :3] = np.frombuffer(b"CM-", dtype=np.uint8)
    codes[:, 7] = ord("-")
    positions = [3, 4, 5, 6, 8, 9, 10, 11]
    for place, column in enumerate(reversed(positions)):
        codes[:, column] = alphabet[(ids >> (5 * place)) & 31]
    return codes.view("S12").ravel()


def _wire_layout() -> np.dtype:
    """One record of PostgreSQL's COPY BINARY format: the field count, then each field as
    its length and its big-endian value. Every staging column has a fixed width, so a chunk
    is a numpy array of these records and goes over the wire as its bytes."""
    layout = [("fields", ">i2")]
    for name, _kind, numpy_type in STAGING_COLUMNS:
        layout += [(f"{name}_length", ">i4"), (name, numpy_type)]
    return np.dtype(layout)


WIRE_LAYOUT = _wire_layout()
COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)  # signature, flags, no header extension
COPY_TRAILER = b"\xff\xff"


def _empty_rows(count: int) -> np.ndarray:
    rows = np.zeros(count, dtype=WIRE_LAYOUT)
    rows["fields"] = len(STAGING_COLUMNS)
    for name, _kind, _numpy_type in STAGING_COLUMNS:
        rows[f"{name}_length"] = WIRE_LAYOUT[name].itemsize
    for name in INSTANT_COLUMNS:
        rows[name] = NEVER
    return rows


def _binary_copy(rows: np.ndarray) -> bytes:
    """The chunk as COPY BINARY data; PostgreSQL counts instants from 2000-01-01."""
    for name in INSTANT_COLUMNS:
        values = rows[name]
        values[values != NEVER] -= PG_EPOCH
    return COPY_HEADER + rows.tobytes() + COPY_TRAILER


def seed_province(
    count: int,
    *,
    distribution: str,
    seed: int = 311,
    span_days: int = SPAN_DAYS,
    processes: int = 2,
    progress: Callable[[str], None] = lambda message: None,
) -> SeedResult:
    """Adds ``count`` reports to an empty PostgreSQL database holding the reference data,
    with everything the actions and the rollup task would have written for them.
    ``processes`` is how many connections share the set-based work (inserts, indexes,
    rollups)."""
    if connection.vendor != "postgresql":
        raise RuntimeError("The province seeder writes with PostgreSQL's COPY.")
    if Report.objects.exists():
        raise RuntimeError("The database holds reports already; seed an empty one.")
    shape = Shape.named(distribution)
    seeds = np.random.SeedSequence([seed, DISTRIBUTIONS.index(distribution)])
    result = SeedResult(reports=count)
    clock = time.perf_counter()

    def lap(name: str, statements: dict[str, float] | None = None):
        nonlocal clock
        result.seconds[name] = time.perf_counter() - clock
        slowest = f" (slowest: {_slowest(statements)})" if statements else ""
        progress(f"{name}: {result.seconds[name]:.1f} s{slowest}")
        clock = time.perf_counter()

    create_benchmark_staff()
    catalogue = Catalogue.load(np.random.default_rng(seeds.spawn(1)[0]))
    generator = ReportColumns(
        shape=shape, catalogue=catalogue, now=timezone.now(), span_days=span_days
    )
    with connection.cursor() as cursor:
        _tune_for_bulk_load(cursor)
        dropped = _drop_secondary_indexes(cursor, [Report, ReportEvent, Photo, Follower, Rating])
        columns = ", ".join(f"{name} {kind} NOT NULL" for name, kind, _ in STAGING_COLUMNS)
        cursor.execute(f"CREATE UNLOGGED TABLE seed_report ({columns})")
        _create_text_table(cursor, catalogue)
        # The officer who works a report: the first of its agency's (create_benchmark_staff).
        cursor.execute(
            "CREATE UNLOGGED TABLE seed_officer AS SELECT DISTINCT ON (department_id)"
            " department_id, user_id FROM accounts_staffmembership"
            " WHERE role = 'agency_officer' ORDER BY department_id, id"
        )
        lap("staff, catalogue and working-time table")
        # Each chunk draws from its own stream: the data do not depend on the chunk order.
        for start, stream in zip(
            range(1, count + 1, CHUNK), seeds.spawn(-(-count // CHUNK)), strict=True
        ):
            rows = generator.chunk(
                start, min(CHUNK, count + 1 - start), np.random.default_rng(stream)
            )
            with cursor.cursor.copy("COPY seed_report FROM STDIN (FORMAT BINARY)") as copy:
                copy.write(_binary_copy(rows))
        lap("reports generated and copied (numpy, COPY BINARY)")
    seconds = _in_parallel(_report_inserts(count, processes), processes)
    lap("reports inserted", seconds)
    # The largest first, so that no connection is left with a big one at the end.
    indexes = dict(sorted(dropped.items(), key=lambda item: _index_size_rank(item[1])))
    search = {name: sql for name, sql in indexes.items() if _index_size_rank(sql) == 0}
    with ThreadPoolExecutor(1) as background:
        # The trigram index of the search text takes longer than any other step and needs
        # only the reports: it is built on a connection of its own meanwhile.
        search_built = background.submit(_on_own_connection, search)
        with connection.cursor() as cursor:
            # Each report's submission event takes the report's id (so that its photos can
            # name it without a join); the other events are numbered after them.
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('reports_reportevent', 'id'), %s)",
                [count],
            )
        seconds = _in_parallel(_derived_row_inserts(catalogue), processes)
        with connection.cursor() as cursor:
            _reset_sequences(cursor)
        lap("events, photos, followers, ratings", seconds)
        others = {name: sql for name, sql in indexes.items() if name not in search}
        seconds = _in_parallel(others, processes)
        seconds.update(search_built.result())
    lap("indexes rebuilt (the search index alongside the events)", seconds)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE seed_report, seed_text, seed_officer")
        cursor.execute("ANALYZE")
        lap("analyzed")
    _rebuild_rollups(processes=processes)
    lap("statistics and map cells rebuilt")
    result.events = ReportEvent.objects.count()
    result.photos = Photo.objects.count()
    return result


def _tune_for_bulk_load(cursor) -> None:
    """Session settings for loading: no wait for the WAL flush at each commit (a crash loses
    the seeding, not the database), memory enough to sort an index in one pass, and foreign
    keys unchecked: the rows are consistent by construction, and checking each row would
    double the load time. (The last needs a superuser, as the seeder's database owner on a
    development machine is.)"""
    cursor.execute("SET synchronous_commit = off")
    cursor.execute("SET maintenance_work_mem = '256MB'")
    cursor.execute("SET work_mem = '64MB'")
    cursor.execute("SET session_replication_role = replica")


def _in_parallel(statements: dict[str, str], processes: int) -> dict[str, float]:
    """Runs the statements (by label) on ``processes`` connections of their own (threads: the
    database does the work, and the driver releases the interpreter while it waits), in the
    order given as connections free up. Returns each statement's seconds."""
    queue = list(statements.items())
    seconds: dict[str, float] = {}

    def run(label: str, statement: str) -> None:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            _tune_for_bulk_load(cursor)
            cursor.execute(statement)
        seconds[label] = time.perf_counter() - started

    def worker() -> None:
        try:
            while True:
                try:
                    label, statement = queue.pop(0)
                except IndexError:
                    return
                run(label, statement)
        finally:
            connection.close()

    if processes <= 1:
        for label, statement in queue:
            run(label, statement)
        return seconds
    with ThreadPoolExecutor(processes) as pool:
        for future in [pool.submit(worker) for _ in range(processes)]:
            future.result()
    return seconds


def _on_own_connection(statements: dict[str, str]) -> dict[str, float]:
    """``_in_parallel`` on one connection, from a thread of its own."""
    try:
        return _in_parallel(statements, 1)
    finally:
        connection.close()


def _slowest(seconds: dict[str, float], count: int = 4) -> str:
    ranked = sorted(seconds.items(), key=lambda item: -item[1])[:count]
    return ", ".join(f"{label} {value:.1f} s" for label, value in ranked)


def _index_size_rank(definition: str) -> int:
    if " USING gin " in definition:
        return 0
    if '"reports_reportevent"' in definition or " reports_reportevent " in definition:
        return 1
    return 2


def _drop_secondary_indexes(cursor, models) -> dict[str, str]:
    """Drops every index but the primary keys, unique constraints included (they are built
    once after the load, faster than kept up to date row by row), and returns the statements
    that recreate them exactly, by name.

    The reports keep theirs: their keys arrive in order (tracking codes count up with the
    id), and adding a constraint back would lock the table against the search index built
    meanwhile."""
    tables = [model._meta.db_table for model in models]
    cursor.execute(
        "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)"
        " FROM pg_constraint c WHERE c.contype = 'u' AND c.conrelid::regclass::text = ANY(%s)",
        [[table for table in tables if table != Report._meta.db_table]],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i "
        "WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s) "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
        [tables],
    )
    indexes = cursor.fetchall()
    for table, name, _definition in constraints:
        cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    return {
        **{
            name: f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}'
            for table, name, definition in constraints
        },
        **dict(indexes),
    }


def _create_text_table(cursor, catalogue: Catalogue) -> None:
    """Every title and description a report can have (category × street × detail), with
    its search text as ``search_text_for`` folds it, and the category's priority."""
    cursor.execute(
        "CREATE UNLOGGED TABLE seed_text (text int PRIMARY KEY, title text, description text,"
        " address text, folded text, priority text)"
    )
    with cursor.cursor.copy("COPY seed_text FROM STDIN") as copy:
        for index, category in enumerate(catalogue.categories):
            for street_index, street in enumerate(STREETS):
                for detail_index, detail in enumerate(DETAILS):
                    title = f"{category.name_vi} - đường {street}"[:120]
                    description = f"{category.name_vi} tại đường {street}. {detail}"
                    text = (index * len(STREETS) + street_index) * len(DETAILS) + detail_index
                    copy.write_row(
                        (
                            text,
                            title,
                            description,
                            f"Đường {street}",
                            # The tracking code (plain ASCII, lower-cased) goes in front.
                            search_text_for(_Text("", title, description)),
                            Report.Priority.URGENT
                            if category.urgent_default
                            else Report.Priority.NORMAL,
                        )
                    )


def _literal_array(values) -> str:
    return "ARRAY[" + ", ".join("'" + str(value).replace("'", "''") + "'" for value in values) + "]"


def _report_inserts(count: int, processes: int) -> list[str]:
    """``seed_report`` into ``reports_report``: the sentinels become NULL, the choices their
    values, the texts joined in; one statement per connection, by ranges of ids."""
    never = "'-infinity'::timestamptz"
    instants = {
        name: f"NULLIF(x.{name}, {never})"
        for name in INSTANT_COLUMNS
        if name not in ("started_at", "info_at", "rated_at")
    }
    values = {
        "id": "x.id",
        "tracking_code": "x.tracking_code",
        "title": "t.title",
        "description": "t.description",
        "category_id": "x.category_id",
        "commune_id": "x.commune_id",
        "latitude": "x.latitude",
        "longitude": "x.longitude",
        "address": "t.address",
        "commune_mismatch": "false",
        "status": f"({_literal_array(STATUSES)})[x.status + 1]",
        "priority": "t.priority",
        "source": f"({_literal_array(SOURCES)})[x.source + 1]",
        "entered_by_id": "NULLIF(x.entered_by_id, 0)",
        "proposed_department_id": "NULLIF(x.proposed_department_id, 0)",
        "department_id": "NULLIF(x.department_id, 0)",
        "duplicate_of_id": "NULLIF(x.duplicate_of_id, 0)",
        "public_reason": f"coalesce(({_literal_array(REJECT_REASONS)})[x.public_reason + 1], '')",
        "reporter_name": "CASE WHEN x.has_reporter THEN 'Người dân ' || x.id ELSE '' END",
        "reporter_email": (
            "CASE WHEN x.keeps_email THEN 'nguoidan' || x.id || '@example.vn' ELSE '' END"
        ),
        "reporter_phone": (
            "CASE WHEN x.has_phone THEN '09' || lpad((x.id % 100000000)::text, 8, '0') ELSE '' END"
        ),
        "contact_allowed": "x.contact_allowed",
        "name_hidden": "x.name_hidden",
        "language": "CASE WHEN x.english THEN 'en' ELSE 'vi' END",
        "is_hidden": "false",
        "hidden_reason": "''",
        **instants,
        "resolution_paused_total": "interval '0'",
        "resolution_extended": "false",
        "awaiting_rating": "false",
        "published_at": instants["accepted_at"],
        "follower_count": "x.keeps_email::int",
        "search_text": "lower(x.tracking_code) || t.folded",
    }
    columns = ", ".join(f'"{column}"' for column in values)
    select = ", ".join(values.values())
    step = -(-count // processes)
    return {
        f"reports {first:,}-{min(first + step, count + 1) - 1:,}": (
            f"INSERT INTO reports_report ({columns}) SELECT {select}"
            " FROM seed_report x JOIN seed_text t ON t.text = x.text"
            f" WHERE x.id >= {first} AND x.id < {first + step}"
        )
        for first in range(1, count + 1, step)
    }


def _reset_sequences(cursor) -> None:
    for model in (Report, ReportEvent, Photo, Rating, Follower):
        table = model._meta.db_table
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"coalesce((SELECT max(id) FROM {table}), 1))"
        )


def _derived_row_inserts(catalogue: Catalogue) -> dict[str, str]:
    """The rows the actions write next to each report, from its milestones, set-based; the
    statements may run side by side, in any order."""
    intake, event = catalogue.intake_officer, "reports_reportevent"
    cols = (
        "report_id, kind, actor_id, created_at, is_public, from_status, to_status, "
        "department_id, public_message, internal_note, data"
    )
    officer = "o.user_id"  # seed_officer
    answer = f"({_literal_array(ANSWERS)})[1 + r.id % {len(ANSWERS)}]"
    rating = f"({_literal_array(RATINGS)})[x.rating + 1]"
    happened = "> '-infinity'::timestamptz"
    events = [
        # report_submit: assisted entries name the channel and the resident's consent.
        f"INSERT INTO {event} (id, {cols}) SELECT r.id, r.id, '{Kind.SUBMITTED}',"
        " r.entered_by_id,"
        " r.submitted_at, true, '', 'submitted', r.proposed_department_id, '', '',"
        " CASE WHEN r.entered_by_id IS NULL THEN '{}'::jsonb ELSE jsonb_build_object("
        "'channel', r.source, 'contact_allowed', r.contact_allowed, 'consent_script', '') END"
        " FROM reports_report r",
        # report_accept
        f"INSERT INTO {event} ({cols}) SELECT r.id, '{Kind.ACCEPTED}', {intake}, r.accepted_at,"
        " true, 'submitted', 'accepted', r.department_id, '', '',"
        " jsonb_build_object('department', d.code, 'proposed_department_overridden', false)"
        " FROM reports_report r JOIN services_department d ON d.id = r.department_id"
        " WHERE r.accepted_at IS NOT NULL",
        # report_reject
        f"INSERT INTO {event} ({cols}) SELECT r.id, '{Kind.REJECTED}', {intake},"
        " r.intake_done_at, true, 'submitted', 'rejected', NULL, r.public_reason, '', '{}'"
        " FROM reports_report r WHERE r.status = 'rejected'",
        # report_mark_duplicate, and the original's FOLLOWED event
        f"INSERT INTO {event} ({cols}) SELECT r.id, '{Kind.MARKED_DUPLICATE}', {intake},"
        " r.closed_at, true, 'accepted', 'duplicate', NULL, '', '',"
        " jsonb_build_object('original', o.tracking_code)"
        " FROM reports_report r JOIN reports_report o ON o.id = r.duplicate_of_id",
        f"INSERT INTO {event} ({cols}) SELECT r.duplicate_of_id, '{Kind.FOLLOWED}', {intake},"
        " r.closed_at, false, '', '', NULL, '', '',"
        " jsonb_build_object('merged_from', r.tracking_code, 'followers_added', 0)"
        " FROM reports_report r WHERE r.duplicate_of_id IS NOT NULL",
        # report_start
        f"INSERT INTO {event} ({cols}) SELECT r.id, '{Kind.STARTED}', {officer}, x.started_at,"
        " true, 'accepted', 'in_progress', r.department_id, '', '', '{}'"
        " FROM reports_report r JOIN seed_report x ON x.id = r.id"
        f" WHERE x.started_at {happened}",
        # report_post_update (the first public reply, before any resolution)
        f"INSERT INTO {event} ({cols}) SELECT r.id, '{Kind.PUBLIC_UPDATE}', {officer},"
        " r.first_response_at, true, '', '', r.department_id,"
        " 'Đơn vị đã tiếp nhận và đang kiểm tra hiện trường.', '', '{}' FROM reports_report r"
        " WHERE r.first_response_at IS NOT NULL"
        " AND (r.resolved_at IS NULL OR r.first_response_at < r.resolved_at)",
        # report_request_info
        f"INSERT INTO {event} ({cols}) SELECT r.id, '{Kind.INFO_REQUESTED}', {officer},"
        " r.resolution_paused_at, false, 'in_progress', 'waiting_info', r.department_id,"
        " 'Đề nghị gửi thêm ảnh chụp rõ vị trí.', '', '{}'"
        " FROM reports_report r WHERE r.resolution_paused_at IS NOT NULL",
        # report_resolve
        f"INSERT INTO {event} ({cols}) SELECT r.id, '{Kind.RESOLVED}', {officer}, r.resolved_at,"
        f" true, 'in_progress', 'resolved', r.department_id, {answer}, '', '{{}}'"
        " FROM reports_report r WHERE r.resolved_at IS NOT NULL",
        # close_resolved_reports (the closing task)
        f"INSERT INTO {event} ({cols}) SELECT r.id, '{Kind.CLOSED}', NULL, r.closed_at, true,"
        " 'resolved', 'closed', r.department_id, '', '', '{\"automatic\": true}'"
        " FROM reports_report r WHERE r.status = 'closed'",
        # report_rate: the rating and its event
        "INSERT INTO reports_rating (report_id, value, comment, department_id, created_at)"
        f" SELECT r.id, {rating}, '', r.department_id, x.rated_at"
        " FROM reports_report r JOIN seed_report x ON x.id = r.id"
        f" WHERE x.rated_at {happened}",
        f"INSERT INTO {event} ({cols}) SELECT r.id, '{Kind.RATED}', NULL, x.rated_at, false, '',"
        f" '', r.department_id, '', '', jsonb_build_object('value', {rating})"
        " FROM reports_report r JOIN seed_report x ON x.id = r.id"
        f" WHERE x.rated_at {happened}",
        # The reporter follows their report (report_submit).
        "INSERT INTO reports_follower (report_id, user_id, email, phone, language, is_reporter,"
        " is_subscribed, confirmed_at, unsubscribe_token, created_at)"
        " SELECT r.id, NULL, r.reporter_email, '', r.language, true, true, r.submitted_at,"
        # In id order, so that the unique index grows at its end.
        " 'seed' || lpad(r.id::text, 10, '0') || left(md5(r.tracking_code), 24),"
        " r.submitted_at"
        " FROM reports_report r WHERE r.reporter_email <> ''",
    ]
    photos = (
        # The reporter's photos, re-encoded (rows only: the files are not part of a page's
        # time), attached to the submission event (whose id is the report's).
        "INSERT INTO reports_photo (key, report_id, event_id, kind, image, thumbnail, width,"
        " height, position, staged_by, upload_digest, created_at, is_hidden, hidden_reason,"
        " state, original)"
        " SELECT k.key, x.id, x.id, 'report', 'photos/' || right(k.key, 2) || '/' || k.key"
        " || '.jpg', 'thumbs/' || right(k.key, 2) || '/' || k.key || '.jpg', 1536, 2048, n - 1,"
        " '', '', x.submitted_at, false, '', 'ready', ''"
        " FROM seed_report x CROSS JOIN LATERAL generate_series(1, x.photos) AS n"
        # In id order, so that the unique index grows at its end.
        # (OFFSET 0 keeps the key a subquery, computed once rather than at each use.)
        " CROSS JOIN LATERAL (SELECT lpad(to_hex(x.id), 8, '0') || n"
        " || left(md5(x.id::text || '-' || n), 15) AS key OFFSET 0) k"
    )
    with_officer = (
        "FROM reports_report r LEFT JOIN seed_officer o ON o.department_id = r.department_id"
    )
    events = [
        statement.replace("FROM reports_report r", with_officer)
        if officer in statement
        else statement
        for statement in events
    ]
    # The two largest first, one on each connection.
    return {
        _statement_label(statement): statement for statement in [events[0], photos, *events[1:]]
    }


def _statement_label(statement: str) -> str:
    """ "accepted events", "photo rows": what an ``INSERT ... SELECT`` writes."""
    table = statement.split()[2].removeprefix("reports_")
    kind = re.search(r"SELECT [^']*'(\w+)'", statement)
    if table == "reportevent" and kind:
        return f"{kind.group(1)} events"
    return f"{table} rows"


@dataclass(frozen=True)
class _Text:
    """What ``search_text_for`` reads of a report."""

    tracking_code: str
    title: str
    description: str


def _rebuild_rollups(*, processes: int) -> None:
    """What ``reports.stats.refresh.rebuild_all`` does, with each day computed by the
    rollup's own ``compute_day`` but written with COPY, days spread over ``processes``: the
    ORM's bulk insert of 50 columns × 170 rows × 1,100 days alone takes minutes."""
    now = timezone.now()
    first = first_report_day()
    days = [first + timedelta(days=n) for n in range((local_day(now) - first).days + 1)]
    DailyStat.objects.all().delete()
    global _ROLLUP
    _ROLLUP = (ScopeKeys.current(), now)
    shares = [days[index::processes] for index in range(processes)]
    connections.close_all()
    if processes > 1:
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            written = pool.map_async(_copy_days, shares)
            # Meanwhile (on a connection opened after the fork): the map cells and the
            # counters, which read the reports only.
            _rebuild_cells_and_counters()
            written.get()
    else:
        _copy_days(days)
        _rebuild_cells_and_counters()
    RollupState.objects.update_or_create(name=STATE_NAME, defaults={"watermark": now})


_ROLLUP: tuple | None = None


def _rebuild_cells_and_counters() -> None:
    rebuild_map_cells()
    # The counters the home page and the staff queues read, from the rows just written.
    awaiting_rating_rebuild()
    tallies_rebuild()


class _IsoTimestamptzLoader(TimestamptzLoader):
    """Reads a timestamp as Django's loader does (the instant, in the connection's time
    zone), parsed by the standard library's compiled ``fromisoformat``."""

    timezone = None

    def load(self, data) -> datetime:
        return datetime.fromisoformat(bytes(data).decode()).replace(tzinfo=self.timezone)


def _load_instants_faster() -> None:
    """Django reads each timestamp through psycopg's pure-Python parser (its loader
    subclasses that one to set the time zone); a day's reports carry seven, and at a million
    reports that parsing is a third of the rollup's time. The session speaks ISO dates, so
    ``fromisoformat`` gives the same aware instants about fifteen times faster."""
    connection.ensure_connection()

    class Loader(_IsoTimestamptzLoader):
        # What Django compares before each cursor to see whether its loader is in place.
        timezone = connection.timezone

    connection.connection.adapters.register_loader("timestamptz", Loader)


def _copy_days(days) -> int:
    keys, now = _ROLLUP
    _load_instants_faster()
    fields = [f for f in DailyStat._meta.concrete_fields if not f.primary_key]
    computed_at = next(f for f in fields if f.name == "computed_at")
    columns = ", ".join(f'"{f.column}"' for f in fields)
    written = 0
    for start in range(0, len(days), 30):
        # Computed first: the connection answers no query while a COPY is open on it.
        rows = [
            # computed_at is auto_now: set as a save would.
            [now if f is computed_at else getattr(row, f.attname) for f in fields]
            for day in days[start : start + 30]
            for row in compute_day(day, keys=keys, now=now)
        ]
        with transaction.atomic(), connection.cursor() as cursor:
            table = DailyStat._meta.db_table
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        written += len(rows)
    return written
