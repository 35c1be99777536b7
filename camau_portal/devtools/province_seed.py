"""Fills an empty database with a province's worth of reports, fast, for the page benchmark.

The reports are shaped like Cà Mau's: spread over three years with growing use and daytime
peaks, every commune and category of the loaded reference data, routed as ``routing`` routes
them, each deadline computed by the working calendar and the clocks of ``reports.deadlines``.
Two distributions:

* ``steady``: intake within its window, most work resolved near its target, the closing task
  applied (resolved reports close after the dispute window): a healthy backlog.
* ``backlog``: the same province falling behind: a quarter of the reports still open, most of
  those past their deadline, and a pile awaiting intake.

Speed comes from PostgreSQL's COPY (psycopg ``cursor.copy``) for the reports, and set-based
``INSERT ... SELECT`` for what the actions derive from them (the timeline events, photo rows,
followers, ratings). The rollups are then rebuilt by the project's own ``rebuild_all``, so the
statistics and map cells are exactly what the beat task would have made.
"""

from __future__ import annotations

import itertools
import math
import multiprocessing
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection, connections, transaction
from django.utils import timezone

from accounts.models import StaffMembership, User
from camau_portal.devtools.benchmark import seeded_code
from camau_portal.devtools.demo_accounts import create_demo_accounts
from reports.deadlines.clocks import (
    pause_resolution_clock,
    start_handling_clocks,
    start_intake_clock,
)
from reports.intake.routing import proposed_department
from reports.models import DailyStat, Follower, Photo, Rating, Report, ReportEvent, RollupState
from reports.public.map import rebuild_map_cells
from reports.search import search_text_for
from reports.stats.refresh import STATE_NAME
from reports.stats.rollup import ScopeKeys, compute_day, first_report_day, local_day
from reports.tallies import awaiting_rating_rebuild, tallies_rebuild
from reports.workflow import DISPUTE_WINDOW
from services.calendar import current_calendar
from services.models import Category, Commune, Department

S = Report.Status
Kind = ReportEvent.Kind
SPAN_DAYS = 3 * 365
CHUNK = 20_000
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
    categories: list[Category]
    category_weights: list[float]
    communes: list[Commune]
    commune_weights: list[float]
    routes: dict[tuple[int, int], int | None]
    departments: dict[int, str]
    intake_officer: int
    officers: dict[int, int]  # department id → an officer of it

    @classmethod
    def load(cls, rng: random.Random) -> Catalogue:
        categories = list(Category.objects.filter(is_active=True).select_related("department"))
        communes = list(Commune.objects.filter(is_active=True))
        routes = {}
        for category in categories:
            for commune in communes:
                department = proposed_department(category=category, commune=commune)
                routes[category.pk, commune.pk] = department.pk if department else None
        departments = dict(Department.objects.values_list("id", "code"))
        officers = dict(
            StaffMembership.objects.filter(role=StaffMembership.Role.AGENCY_OFFICER).values_list(
                "department_id", "user_id"
            )
        )
        intake = StaffMembership.objects.filter(role=StaffMembership.Role.INTAKE_OFFICER).first()
        return cls(
            categories=categories,
            # A few kinds of problem make most of the reports, as everywhere.
            category_weights=[1 / (rank + 1) for rank in range(len(categories))],
            communes=communes,
            # Towns report more than remote communes.
            commune_weights=[rng.paretovariate(1.2) for _ in communes],
            routes=routes,
            departments=departments,
            intake_officer=intake.user_id,
            officers=officers,
        )


def create_benchmark_staff() -> dict[str, User]:
    """The demo accounts (one per role) plus an officer for every other agency, so that each
    agency's inbox has someone to assign to."""
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
    return accounts


@dataclass
class SeedResult:
    reports: int
    events: int = 0
    photos: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


class ReportRows:
    """Generates each report's row (the columns of ``reports_report``) and its extras (times
    of steps that live only in events, photo count, rating)."""

    def __init__(self, *, shape: Shape, catalogue: Catalogue, now: datetime, rng, span_days):
        self.shape = shape
        self.catalogue = catalogue
        self.now = now
        self.rng = rng
        self.span = timedelta(days=span_days)
        self.calendar = current_calendar()
        self.zone = timezone.get_default_timezone()
        self.fields = [
            f
            for f in Report._meta.concrete_fields
            if not getattr(f, "generated", False)  # handling_due_at: the database computes it
        ]
        self.columns = [f.column for f in self.fields]
        defaults = {}
        for f in self.fields:
            if f.has_default() and not f.primary_key:
                value = f.get_default()
                defaults[f.attname] = None if callable(value) else value
            else:
                defaults[f.attname] = None if f.null else ""
        defaults["resolution_paused_total"] = timedelta(0)
        self.defaults = defaults
        self.category_cumulative = list(itertools.accumulate(catalogue.category_weights))
        self.commune_cumulative = list(itertools.accumulate(catalogue.commune_weights))
        self.hour_cumulative = list(itertools.accumulate(HOUR_WEIGHTS))
        self._folded: dict[tuple[str, str], str] = {}

    def _search_text(self, code: str, title: str, description: str) -> str:
        """``search_text_for`` folds character by character, so the few distinct texts are
        folded once and the (plain ASCII) code is added in front."""
        key = (title, description)
        if key not in self._folded:
            self._folded[key] = search_text_for(_Text("", title, description))
        return search_text_for(_Text(code, "", "")).rstrip() + self._folded[key]

    def _submitted_at(self) -> datetime:
        # Use grows over the three years: the density of reports rises linearly to today.
        age = self.span * (1 - math.sqrt(self.rng.random()))
        day = timezone.localtime(self.now - age, self.zone).date()
        hour = self.rng.choices(range(24), cum_weights=self.hour_cumulative)[0]
        moment = datetime(day.year, day.month, day.day, hour, tzinfo=self.zone) + timedelta(
            seconds=self.rng.uniform(0, 3600)
        )
        return min(moment, self.now - timedelta(seconds=self.rng.uniform(60, 600)))

    def rows(self, first_id: int, count: int) -> Iterator[tuple[tuple, tuple | None]]:
        self.chunk_start = first_id
        for pk in range(first_id, first_id + count):
            yield self.row(pk)

    def row(self, pk: int) -> tuple[tuple, tuple]:
        rng, cal, cat_ = self.rng, self.calendar, self.catalogue
        category = rng.choices(cat_.categories, cum_weights=self.category_cumulative)[0]
        commune = rng.choices(cat_.communes, cum_weights=self.commune_cumulative)[0]
        submitted_at = self._submitted_at()
        code = seeded_code(pk)
        street = rng.choice(STREETS)
        values = dict(self.defaults)
        values.update(
            id=pk,
            tracking_code=code,
            title=f"{category.name_vi} - đường {street}"[:120],
            description=f"{category.name_vi} tại đường {street}. {rng.choice(DETAILS)}",
            category_id=category.pk,
            commune_id=commune.pk,
            latitude=commune.latitude + rng.gauss(0, 0.012),
            longitude=commune.longitude + rng.gauss(0, 0.012),
            address=f"Đường {street}",
            priority="urgent" if category.urgent_default else "normal",
            source=rng.choices(["web", "open311", "hotline"], [85, 10, 5])[0],
            proposed_department_id=cat_.routes[category.pk, commune.pk],
            submitted_at=submitted_at,
            language=rng.choices(["vi", "en"], [97, 3])[0],
            name_hidden=rng.random() < 0.7,
        )
        if rng.random() < 0.75:
            values.update(
                reporter_name=f"Người dân {pk}",
                reporter_email=f"nguoidan{pk}@example.vn",
                reporter_phone=f"09{pk % 100_000_000:08d}" if rng.random() < 0.5 else "",
                contact_allowed=rng.random() < 0.6,
                follower_count=1,
            )
        values["intake_due_at"] = cal.intake_deadline(submitted_at)
        extras = {"started_at": None, "info_at": None, "rated_at": None, "rating": ""}
        extras["photos"] = rng.choices([0, 1, 2, 3], [30, 40, 20, 10])[0]
        self._fate(values, extras, category)
        values["search_text"] = self._search_text(code, values["title"], values["description"])
        values["updated_at"] = max(
            t
            for t in (
                submitted_at,
                values.get("accepted_at"),
                values.get("first_response_at"),
                values.get("resolved_at"),
                values.get("closed_at"),
                extras["started_at"],
                extras["info_at"],
                extras["rated_at"],
            )
            if t is not None
        )
        row = tuple(values[f.attname] for f in self.fields)
        extra = (
            pk,
            extras["started_at"],
            extras["info_at"],
            extras["rated_at"],
            extras["rating"],
            extras["photos"],
        )
        return row, extra

    def _fate(self, values: dict, extras: dict, category: Category) -> None:
        """What happened to the report by now, step by step as the workflow allows."""
        rng, now, cal, shape = self.rng, self.now, self.calendar, self.shape
        submitted_at, intake_due = values["submitted_at"], values["intake_due_at"]
        recent = now - submitted_at < timedelta(days=14)
        window = intake_due - submitted_at
        intake_at = submitted_at + window * rng.lognormvariate(-0.7, 0.6)
        if intake_at > now or (recent and rng.random() < shape.intake_pile):
            self._still(values, extras, category, S.SUBMITTED)
            return
        draw = rng.random()
        if draw < shape.rejected:
            values.update(
                status=S.REJECTED,
                intake_done_at=intake_at,
                closed_at=intake_at,
                public_reason=rng.choice(REJECT_REASONS),
            )
            return
        values.update(
            accepted_at=intake_at,
            intake_done_at=intake_at,
            published_at=intake_at,
            department_id=values["proposed_department_id"],
        )
        values["response_due_at"] = cal.response_deadline(intake_at)
        amount, unit = (
            (category.urgent_target, category.urgent_unit)
            if values["priority"] == "urgent"
            else (category.resolution_target, category.resolution_unit)
        )
        values["resolution_due_at"] = cal.add_target(intake_at, amount, unit)
        if draw < shape.rejected + shape.duplicate and values["id"] > self.chunk_start:
            # Merged into another report of the same chunk (chunks are copied in parallel);
            # its reporter's follow moves there (none here).
            values.update(
                status=S.DUPLICATE,
                duplicate_of_id=rng.randrange(self.chunk_start, values["id"]),
                closed_at=intake_at + timedelta(minutes=rng.uniform(5, 600)),
                reporter_email="",
                follower_count=0,
            )
            values["closed_at"] = min(values["closed_at"], now)
            return
        response_window = values["response_due_at"] - intake_at
        first_response = intake_at + response_window * rng.lognormvariate(-0.5, 0.7)
        resolution_window = values["resolution_due_at"] - intake_at
        resolved_at = intake_at + resolution_window * rng.lognormvariate(-0.5, 0.55)
        started_at = intake_at + (min(first_response, resolved_at) - intake_at) * rng.uniform(
            0.1, 0.9
        )
        if started_at < now:
            extras["started_at"] = started_at
        if first_response < now and first_response < resolved_at:
            values["first_response_at"] = first_response
        if draw > 1 - shape.stuck or resolved_at > now:
            if extras["started_at"] is None:
                self._still(values, extras, category, S.ACCEPTED)
            elif rng.random() < 0.06:
                extras["info_at"] = started_at + (now - started_at) * rng.random()
                self._still(values, extras, category, S.WAITING_INFO)
            else:
                self._still(values, extras, category, S.IN_PROGRESS)
            return
        values["status"] = S.RESOLVED
        values["resolved_at"] = resolved_at
        values["first_response_at"] = values["first_response_at"] or resolved_at
        if extras["started_at"] is None:
            extras["started_at"] = started_at
        if now - resolved_at > DISPUTE_WINDOW:
            # The closing task ran.
            values["status"] = S.CLOSED
            values["closed_at"] = (
                resolved_at + DISPUTE_WINDOW + timedelta(minutes=rng.uniform(0, 5))
            )
        if values["reporter_email"] and rng.random() < 0.35:
            # Rated within the dispute window; "not satisfied" only once the report is
            # closed (within the window it would have reopened the report).
            rated_at = resolved_at + timedelta(hours=rng.uniform(1, 160))
            if values["status"] == S.CLOSED and rng.random() < 0.15:
                rated_at = values["closed_at"] + timedelta(hours=rng.uniform(1, 48))
                extras["rating"] = Rating.Value.NOT_SATISFIED
            else:
                extras["rating"] = rng.choices(
                    [Rating.Value.SATISFIED, Rating.Value.ACCEPTABLE], [70, 30]
                )[0]
            if rated_at < now:
                extras["rated_at"] = rated_at
            else:
                extras["rating"] = ""

    def _still(self, values: dict, extras: dict, category: Category, status: str) -> None:
        """An open report: its running clocks and next deadline check, set by the clocks
        module on the report as the actions set them."""
        report = Report(
            **{k: v for k, v in values.items() if k not in ("id", "status")},
            status=status,
        )
        report.category = category
        start_intake_clock(report, calendar=self.calendar)
        if status != S.SUBMITTED:
            start_handling_clocks(report, accepted_at=report.accepted_at, calendar=self.calendar)
        if status == S.WAITING_INFO:
            pause_resolution_clock(report, at=extras["info_at"])
        values.update(
            status=status,
            intake_due_at=report.intake_due_at,
            response_due_at=report.response_due_at,
            resolution_due_at=report.resolution_due_at,
            resolution_paused_at=report.resolution_paused_at,
            deadline_check_at=report.deadline_check_at,
        )


@dataclass(frozen=True)
class _Text:
    """What ``search_text_for`` reads of a report."""

    tracking_code: str
    title: str
    description: str


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
    with everything the actions and the rollup task would have written for them."""
    if connection.vendor != "postgresql":
        raise RuntimeError("The province seeder writes with PostgreSQL's COPY.")
    if Report.objects.exists():
        raise RuntimeError("The database holds reports already; seed an empty one.")
    shape = Shape.named(distribution)
    rng = random.Random(f"{seed}-{distribution}")
    result = SeedResult(reports=count)
    clock = time.perf_counter()

    def lap(name: str):
        nonlocal clock
        result.seconds[name] = time.perf_counter() - clock
        progress(f"{name}: {result.seconds[name]:.1f} s")
        clock = time.perf_counter()

    create_benchmark_staff()
    catalogue = Catalogue.load(rng)
    generator = ReportRows(
        shape=shape, catalogue=catalogue, now=timezone.now(), rng=rng, span_days=span_days
    )
    with connection.cursor() as cursor:
        dropped = _drop_secondary_indexes(cursor, [Report, ReportEvent, Photo])
        cursor.execute(
            "CREATE UNLOGGED TABLE IF NOT EXISTS seed_extra (report_id bigint PRIMARY KEY, "
            "started_at timestamptz, info_at timestamptz, rated_at timestamptz, rating text, "
            "photos int)"
        )
        cursor.execute("TRUNCATE seed_extra")
    _copy_reports(generator, count, seed=f"{seed}-{distribution}", processes=processes)
    lap("reports generated and copied")
    with connection.cursor() as cursor:
        _without_foreign_key_checks(cursor)
        _derive_rows(cursor, catalogue)
        cursor.execute("SET session_replication_role = DEFAULT")
        lap("events, photos, followers, ratings")
        for statement in dropped:
            cursor.execute(statement)
        cursor.execute("DROP TABLE seed_extra")
        lap("indexes rebuilt")
        cursor.execute("ANALYZE")
    _rebuild_rollups(processes=processes)
    lap("statistics and map cells rebuilt")
    result.events = ReportEvent.objects.count()
    result.photos = Photo.objects.count()
    return result


def _without_foreign_key_checks(cursor) -> None:
    """The rows are made consistent by construction; checking each foreign key row by row
    would double the load time. (The setting needs a superuser, as the seeder's database
    owner on a development machine is.)"""
    cursor.execute("SET session_replication_role = replica")


def _drop_secondary_indexes(cursor, models) -> list[str]:
    """Drops the indexes no constraint needs (they are rebuilt once, faster than kept up to
    date row by row) and returns the statements that recreate them exactly."""
    tables = [model._meta.db_table for model in models]
    cursor.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i "
        "WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s) "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
        [tables],
    )
    found = cursor.fetchall()
    for name, _definition in found:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in found]


def _copy_reports(generator: ReportRows, count: int, *, seed: str, processes: int) -> None:
    """Generates and copies the reports in chunks, in ``processes`` forked processes, each on
    its own connection (COPY runs in parallel; the generation is the slow part)."""
    chunks = [(start, min(CHUNK, count + 1 - start)) for start in range(1, count + 1, CHUNK)]
    connections.close_all()  # each process opens its own connection
    global _GENERATOR, _SEED
    _GENERATOR, _SEED = generator, seed
    if processes > 1 and len(chunks) > 1:
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            for _ in pool.imap_unordered(_copy_chunk, chunks):
                pass
    else:
        for chunk in chunks:
            _copy_chunk(chunk)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('reports_report', 'id'), "
            "(SELECT max(id) FROM reports_report))"
        )


# What a forked process of ``_copy_reports`` generates from (inherited, never pickled).
_GENERATOR: ReportRows | None = None
_SEED = ""


def _copy_chunk(chunk: tuple[int, int]) -> int:
    start, size = chunk
    generator = _GENERATOR
    # Each chunk draws from its own stream, so the data do not depend on the process count.
    generator.rng = random.Random(f"{_SEED}-{start}")
    rows = list(generator.rows(start, size))
    columns = ", ".join(f'"{column}"' for column in generator.columns)
    with transaction.atomic(), connection.cursor() as cursor:
        _without_foreign_key_checks(cursor)
        raw = cursor.cursor  # psycopg's own cursor, for COPY
        with raw.copy(f"COPY reports_report ({columns}) FROM STDIN") as copy:
            for row, _extra in rows:
                copy.write_row(row)
        with raw.copy("COPY seed_extra FROM STDIN") as copy:
            for _row, extra in rows:
                copy.write_row(extra)
    return size


def _derive_rows(cursor, catalogue: Catalogue) -> None:
    """The rows the actions write next to each report, from its milestones, set-based."""
    intake, event = catalogue.intake_officer, "reports_reportevent"
    cols = (
        "report_id, kind, actor_id, created_at, is_public, from_status, to_status, "
        "department_id, public_message, internal_note, data"
    )
    # The officer who works a report: the first of its agency's (create_benchmark_staff).
    cursor.execute(
        "CREATE TEMPORARY TABLE seed_officer AS SELECT DISTINCT ON (department_id)"
        " department_id, user_id FROM accounts_staffmembership WHERE role = 'agency_officer'"
        " ORDER BY department_id, id"
    )
    officer = "(SELECT o.user_id FROM seed_officer o WHERE o.department_id = r.department_id)"
    answer = "(ARRAY[" + ", ".join(f"'{a}'" for a in ANSWERS) + "])[1 + r.id % 3]"
    statements = [
        # report_submit
        f"INSERT INTO {event} ({cols}) SELECT r.id, '{Kind.SUBMITTED}', NULL, r.submitted_at,"
        " true, '', 'submitted', r.proposed_department_id, '', '', '{}' FROM reports_report r",
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
        " FROM reports_report r JOIN seed_extra x ON x.report_id = r.id"
        " WHERE x.started_at IS NOT NULL",
        # report_post_update (the first public reply, before any resolution)
        f"INSERT INTO {event} ({cols}) SELECT r.id, '{Kind.PUBLIC_UPDATE}', {officer},"
        " r.first_response_at, true, '', '', r.department_id,"
        " 'Đơn vị đã tiếp nhận và đang kiểm tra hiện trường.', '', '{}' FROM reports_report r"
        " WHERE r.first_response_at IS NOT NULL"
        " AND (r.resolved_at IS NULL OR r.first_response_at < r.resolved_at)",
        # report_request_info
        f"INSERT INTO {event} ({cols}) SELECT r.id, '{Kind.INFO_REQUESTED}', {officer},"
        " x.info_at, false, 'in_progress', 'waiting_info', r.department_id,"
        " 'Đề nghị gửi thêm ảnh chụp rõ vị trí.', '', '{}'"
        " FROM reports_report r JOIN seed_extra x ON x.report_id = r.id"
        " WHERE x.info_at IS NOT NULL",
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
        " SELECT r.id, x.rating, '', r.department_id, x.rated_at"
        " FROM reports_report r JOIN seed_extra x ON x.report_id = r.id"
        " WHERE x.rated_at IS NOT NULL",
        f"INSERT INTO {event} ({cols}) SELECT r.id, '{Kind.RATED}', NULL, x.rated_at, false, '',"
        " '', r.department_id, '', '', jsonb_build_object('value', x.rating)"
        " FROM reports_report r JOIN seed_extra x ON x.report_id = r.id"
        " WHERE x.rated_at IS NOT NULL",
        # The reporter follows their report (report_submit).
        "INSERT INTO reports_follower (report_id, user_id, email, phone, language, is_reporter,"
        " is_subscribed, confirmed_at, unsubscribe_token, created_at)"
        " SELECT r.id, NULL, r.reporter_email, '', r.language, true, true, r.submitted_at,"
        " 'seed' || md5(r.id::text || r.tracking_code), r.submitted_at"
        " FROM reports_report r WHERE r.reporter_email <> ''",
        # The reporter's photos, re-encoded (rows only: the files are not part of a page's time).
        "INSERT INTO reports_photo (key, report_id, event_id, kind, image, thumbnail, width,"
        " height, position, staged_by, upload_digest, created_at, is_hidden, hidden_reason,"
        " state, original)"
        " SELECT k.key, r.id, e.id, 'report', 'photos/' || left(k.key, 2) || '/' || k.key"
        " || '.jpg', 'thumbs/' || left(k.key, 2) || '/' || k.key || '.jpg', 1536, 2048, n - 1,"
        " '', '', r.submitted_at, false, '', 'ready', ''"
        " FROM reports_report r JOIN seed_extra x ON x.report_id = r.id"
        " JOIN reports_reportevent e ON e.report_id = r.id AND e.kind = 'submitted'"
        " CROSS JOIN LATERAL generate_series(1, x.photos) AS n"
        " CROSS JOIN LATERAL (SELECT left(md5(r.id::text || '-' || n), 24) AS key) k",
    ]
    for statement in statements:
        with transaction.atomic():
            cursor.execute(statement)
    cursor.execute("DROP TABLE seed_officer")
    for model in (ReportEvent, Photo, Rating, Follower):
        table = model._meta.db_table
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"coalesce((SELECT max(id) FROM {table}), 1))"
        )


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
            for _ in pool.imap_unordered(_copy_days, shares):
                pass
    else:
        _copy_days(days)
    rebuild_map_cells()
    # The counters the home page and the staff queues read, from the rows just written.
    awaiting_rating_rebuild()
    tallies_rebuild()
    RollupState.objects.update_or_create(name=STATE_NAME, defaults={"watermark": now})


_ROLLUP: tuple | None = None


def _copy_days(days) -> int:
    keys, now = _ROLLUP
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
