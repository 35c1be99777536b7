"""The figures the statistics pages show, read from the daily rollup.

Every function here sums rollup rows over a period in SQL, so its cost depends on the length of
the period and the number of agencies and communes, never on the number of reports. Figures are
cohort figures: of the reports received in the period, how they stand now.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Sum

from reports.models import DailyStat, Report, RollupState
from reports.models.stats import CHANNEL_STAT_KEYS, DURATION_BUCKET_COUNT, duration_bucket_field
from reports.stats.durations import median_hours
from services.collation import vietnamese_sort_key
from services.models import Category, Commune, Department

Scope = DailyStat.Scope
OUTCOMES = ("on_time", "late_extended", "late")
CLOCKS = ("intake", "response", "resolution")
COUNT_FIELDS = ["received", "accepted", "resolved", "open", "overdue"]
OUTCOME_FIELDS = [f"{clock}_{outcome}" for clock in CLOCKS for outcome in OUTCOMES]
RATING_FIELDS = ["rated_satisfied", "rated_acceptable", "rated_not_satisfied"]
BUCKET_FIELDS = {
    clock: [duration_bucket_field(clock, i) for i in range(DURATION_BUCKET_COUNT)]
    for clock in ("response", "resolution")
}
SUM_FIELDS = (
    COUNT_FIELDS
    + OUTCOME_FIELDS
    + RATING_FIELDS
    + BUCKET_FIELDS["response"]
    + BUCKET_FIELDS["resolution"]
)
TOP_CATEGORIES = 8


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class Outcomes:
    """How one clock ended for the reports where it has ended."""

    on_time: int = 0
    late_extended: int = 0
    late: int = 0

    @property
    def total(self) -> int:
        return self.on_time + self.late_extended + self.late

    @property
    def on_time_rate(self) -> float | None:
        return _share(self.on_time, self.total)

    @property
    def late_extended_rate(self) -> float | None:
        return _share(self.late_extended, self.total)

    @property
    def late_rate(self) -> float | None:
        return _share(self.late, self.total)


@dataclass
class Figures:
    name: str = ""
    code: str = ""
    received: int = 0
    accepted: int = 0
    resolved: int = 0
    open: int = 0
    overdue: int = 0
    intake: Outcomes = field(default_factory=Outcomes)
    response: Outcomes = field(default_factory=Outcomes)
    resolution: Outcomes = field(default_factory=Outcomes)
    satisfied: int = 0
    acceptable: int = 0
    not_satisfied: int = 0
    median_response_hours: float | None = None
    median_resolution_hours: float | None = None

    @classmethod
    def from_sums(cls, sums: dict, **labels) -> Figures:
        value = {name: sums.get(name) or 0 for name in SUM_FIELDS}
        return cls(
            **labels,
            **{name: value[name] for name in COUNT_FIELDS},
            **{
                clock: Outcomes(*(value[f"{clock}_{outcome}"] for outcome in OUTCOMES))
                for clock in CLOCKS
            },
            satisfied=value["rated_satisfied"],
            acceptable=value["rated_acceptable"],
            not_satisfied=value["rated_not_satisfied"],
            median_response_hours=median_hours([value[f] for f in BUCKET_FIELDS["response"]]),
            median_resolution_hours=median_hours([value[f] for f in BUCKET_FIELDS["resolution"]]),
        )

    @property
    def rated(self) -> int:
        return self.satisfied + self.acceptable + self.not_satisfied

    @property
    def satisfaction_rate(self) -> float | None:
        """The share of ratings that say "satisfied"."""
        return _share(self.satisfied, self.rated)

    @property
    def resolved_rate(self) -> float | None:
        return _share(self.resolved, self.received)

    @property
    def is_empty(self) -> bool:
        return not (self.received or self.open)


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass
class Week:
    start: date
    received: int
    resolved: int

    @property
    def end(self) -> date:
        return self.start + timedelta(days=6)


@dataclass
class Overview:
    period: Period
    totals: Figures
    top_categories: list[Figures]
    weekly: list[Week]
    departments: list[Figures] = field(default_factory=list)
    communes: list[Figures] = field(default_factory=list)
    channels: list[Figures] = field(default_factory=list)
    updated_at: datetime | None = None

    @property
    def league(self) -> list[Figures]:
        """Agencies with work in the period: best on-time resolution first, then smallest
        backlog."""
        active = [f for f in self.departments if not f.is_empty]
        return sorted(
            active,
            key=lambda f: (
                -(f.resolution.on_time_rate if f.resolution.on_time_rate is not None else -1),
                f.open,
                vietnamese_sort_key(f.name),
            ),
        )


def _sums(scope: str, period: Period, *, group_by: str, **filters) -> dict[int, dict]:
    rows = (
        DailyStat.objects.filter(scope=scope, day__gte=period.start, day__lte=period.end, **filters)
        .values(group_by)
        .annotate(**{name: Sum(name) for name in SUM_FIELDS})
        .order_by()
    )
    return {row[group_by]: row for row in rows}


def totals(scope: str, period: Period, key: int = 0) -> Figures:
    sums = _sums(scope, period, group_by="key", key=key)
    return Figures.from_sums(sums.get(key, {}))


def weekly_trend(scope: str, period: Period, key: int = 0) -> list[Week]:
    """Received and resolved per week (weeks start on Monday), oldest first."""
    weeks: dict[date, Week] = {}
    first_monday = period.start - timedelta(days=period.start.weekday())
    monday = first_monday
    while monday <= period.end:
        weeks[monday] = Week(start=monday, received=0, resolved=0)
        monday += timedelta(days=7)
    rows = DailyStat.objects.filter(
        scope=scope, key=key, day__gte=period.start, day__lte=period.end
    ).values_list("day", "received", "resolved")
    for day, received, resolved in rows:
        week = weeks[day - timedelta(days=day.weekday())]
        week.received += received
        week.resolved += resolved
    return list(weeks.values())


def _named(sums: dict[int, dict], objects) -> list[Figures]:
    figures = []
    for obj in objects:
        figures.append(Figures.from_sums(sums.get(obj.id, {}), name=obj.name, code=obj.code))
    return figures


def channel_figures(period: Period) -> list[Figures]:
    """The province's figures by the channel reports came in by (one query): every channel,
    in the order of ``Report.Source``, zeros included, so a table reads the same every time."""
    sums = _sums(Scope.CHANNEL, period, group_by="key")
    return [
        Figures.from_sums(sums.get(CHANNEL_STAT_KEYS[channel], {}), name=label, code=channel)
        for channel, label in Report.Source.choices
    ]


def _top(categories: list[Figures]) -> list[Figures]:
    busy = [f for f in categories if f.received]
    return sorted(busy, key=lambda f: (-f.received, vietnamese_sort_key(f.name)))[:TOP_CATEGORIES]


def _updated_at() -> datetime | None:
    return RollupState.objects.filter(name="reports").values_list("watermark", flat=True).first()


def province_overview(period: Period) -> Overview:
    """Province-wide figures with the agency league table, the commune table and the channel
    table (10 queries)."""
    categories = _named(_sums(Scope.CATEGORY, period, group_by="key"), Category.objects.all())
    departments = _named(
        _sums(Scope.DEPARTMENT, period, group_by="key"),
        Department.objects.only("id", "code", "name_vi", "name_en"),
    )
    communes = _named(
        _sums(Scope.COMMUNE, period, group_by="key"), Commune.objects.only("id", "code", "name")
    )
    return Overview(
        period=period,
        totals=totals(Scope.PROVINCE, period),
        top_categories=_top(categories),
        weekly=weekly_trend(Scope.PROVINCE, period),
        departments=departments,
        communes=communes,
        channels=channel_figures(period),
        updated_at=_updated_at(),
    )


def department_overview(department: Department, period: Period) -> Overview:
    """One agency's figures, its top categories and weekly trend (5 queries)."""
    categories = _named(
        _sums(Scope.DEPARTMENT_CATEGORY, period, group_by="category_key", key=department.id),
        Category.objects.all(),
    )
    figures = totals(Scope.DEPARTMENT, period, key=department.id)
    figures.name, figures.code = department.name, department.code
    return Overview(
        period=period,
        totals=figures,
        top_categories=_top(categories),
        weekly=weekly_trend(Scope.DEPARTMENT, period, key=department.id),
        updated_at=_updated_at(),
    )
