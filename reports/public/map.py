"""What the public map draws for a box: the reports themselves, or counts per grid cell.

A box holding at most ``MAP_POINT_LIMIT`` reports gets one compact point per report. A larger
box gets one cell per square of a grid about ``MAX_CELLS_ACROSS`` cells wide, computed in SQL
(``FLOOR(latitude × level)``, portable to SQLite and PostgreSQL). Up to the finest precomputed
level the cells come from the ``MapCell`` table, which holds every combination of the map's
filters (category, commune, period; the status is a column), so a province-wide box costs the
same at ten thousand and at a million reports whatever the filters. Finer grids are grouped
from the reports of the box, read through the public pins' index.

Grid levels are cells per degree and powers of two, so each cell splits exactly into four of the
next level and floating-point multiplication by the level is exact.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Avg, Count, F, Q, Sum
from django.db.models.functions import Floor
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.models import MapCell, Report
from reports.models.querysets import status_group_condition
from reports.public.filters import PERIOD_DAYS
from reports.workflow import STATUS_GROUPS, status_group

MAP_POINT_LIMIT = 1000
MAX_CELLS_ACROSS = 24
PRECOMPUTED_LEVELS = (8, 16, 32, 64)
UNIT_LEVEL = PRECOMPUTED_LEVELS[0]  # recomputation works one cell of this level at a time
FINEST_LEVEL = 4096
# Points carry their group as a number: 0 open, 1 fixed, 2 closed (the map's colours).
STATUS_GROUP_INDEX = {group: index for index, group in enumerate(STATUS_GROUPS)}
# The cells' ``period_days``: 0 for every report, else each period the map's filter offers.
ANY_TIME = 0
PERIOD_KEYS = (ANY_TIME, *sorted(PERIOD_DAYS.values()))


class BadBox(ValueError):
    pass


@dataclass(frozen=True)
class BBox:
    south: float
    west: float
    north: float
    east: float

    @classmethod
    def parse(cls, raw: str | None) -> BBox:
        """Reads Leaflet's ``toBBoxString()``: "west,south,east,north" in degrees."""
        try:
            west, south, east, north = (float(part) for part in (raw or "").split(","))
        except ValueError:
            raise BadBox(_("bbox must be four numbers: west,south,east,north")) from None
        if not all(math.isfinite(v) for v in (west, south, east, north)):
            raise BadBox(_("bbox must be finite numbers"))
        west, east = max(west, -180.0), min(east, 180.0)
        south, north = max(south, -90.0), min(north, 90.0)
        if not (west < east and south < north):
            raise BadBox(_("bbox must have west < east and south < north"))
        return cls(south=south, west=west, north=north, east=east)

    @property
    def span(self) -> float:
        return max(self.east - self.west, self.north - self.south)

    def q(self) -> Q:
        return Q(
            latitude__gte=self.south,
            latitude__lte=self.north,
            longitude__gte=self.west,
            longitude__lte=self.east,
        )


def level_for(bbox: BBox) -> int:
    """The finest power-of-two grid that keeps the box at most MAX_CELLS_ACROSS cells wide."""
    level = UNIT_LEVEL
    while level < FINEST_LEVEL and bbox.span * level * 2 <= MAX_CELLS_ACROSS:
        level *= 2
    return level


def map_features(
    *,
    bbox: BBox,
    queryset,
    category_id: int | None = None,
    commune_id: int | None = None,
    period: str | None = None,
    status: str | None = None,
) -> dict:
    """The map payload for a box.

    ``queryset`` is the public reports with the page's filters applied, read for points and for
    grids finer than the precomputed ones; ``category_id``, ``commune_id``, ``period`` (a key of
    ``PERIOD_DAYS``) and ``status`` select the precomputed cells of the same filters. Points are
    ``[tracking_code, lat, lon, group]`` with group 0 open, 1 fixed, 2 closed; cells are
    ``[lat, lon, count, open, fixed, closed]``.
    """
    level = level_for(bbox)
    if level <= PRECOMPUTED_LEVELS[-1]:
        cells = precomputed_cells(
            bbox=bbox,
            level=level,
            category_id=category_id,
            commune_id=commune_id,
            period_days=PERIOD_DAYS[period] if period else ANY_TIME,
            status=status,
        )
        if sum(cell[2] for cell in cells) > MAP_POINT_LIMIT:
            return _cells_payload(cells, level)
    points = _points(queryset, bbox)
    if points is not None:
        return {"mode": "points", "points": points}
    return _cells_payload(grouped_cells(queryset=queryset, bbox=bbox, level=level), level)


def _points(queryset, bbox: BBox) -> list[list] | None:
    rows = list(
        queryset.filter(bbox.q()).values_list("tracking_code", "latitude", "longitude", "status")[
            : MAP_POINT_LIMIT + 1
        ]
    )
    if len(rows) > MAP_POINT_LIMIT:
        return None
    return [
        [code, round(lat, 5), round(lon, 5), STATUS_GROUP_INDEX[status_group(status)]]
        for code, lat, lon, status in rows
    ]


# Reports are counted by their latitude (never empty for a report in a box) rather than their
# id: every column the grouping reads is then in the public pins' covering index
# (``report_public_location``), and PostgreSQL groups a street's reports from the index alone.
COUNTED = "latitude"


def _group_counts() -> dict[str, Count]:
    """Reports per status group ("open", "fixed", "closed"), as aggregates."""
    return {group: Count(COUNTED, filter=status_group_condition(group)) for group in STATUS_GROUPS}


def _cells_payload(cells: list[list], level: int) -> dict:
    return {"mode": "cells", "cell_size": 1 / level, "cells": cells}


def grouped_cells(*, queryset, bbox: BBox, level: int) -> list[list]:
    """Cells grouped in SQL straight from the reports (for narrowed querysets and small boxes)."""
    rows = (
        queryset.filter(bbox.q())
        .annotate(cell_row=Floor(F("latitude") * level), cell_col=Floor(F("longitude") * level))
        .values("cell_row", "cell_col")
        .annotate(
            total=Count(COUNTED),
            **_group_counts(),
            lat=Avg("latitude"),
            lon=Avg("longitude"),
        )
        .order_by()
    )
    return [
        [round(r["lat"], 5), round(r["lon"], 5), r["total"], r["open"], r["fixed"], r["closed"]]
        for r in rows
    ]


def precomputed_cells(
    *,
    bbox: BBox,
    level: int,
    category_id: int | None,
    status: str | None,
    commune_id: int | None = None,
    period_days: int = 0,
) -> list[list]:
    rows = MapCell.objects.filter(
        level=level,
        category_key=category_id or 0,
        commune_key=commune_id or 0,
        period_days=period_days,
        row__gte=math.floor(bbox.south * level),
        row__lte=math.floor(bbox.north * level),
        col__gte=math.floor(bbox.west * level),
        col__lte=math.floor(bbox.east * level),
    ).values_list("open", "fixed", "closed", "latitude_sum", "longitude_sum")
    cells = []
    for open_, fixed, closed, lat_sum, lon_sum in rows:
        everything = open_ + fixed + closed
        if status:
            open_, fixed, closed = (
                value if name == status else 0
                for name, value in zip(
                    ("open", "fixed", "closed"), (open_, fixed, closed), strict=True
                )
            )
        total = open_ + fixed + closed
        if total:
            cells.append(
                [
                    round(lat_sum / everything, 5),
                    round(lon_sum / everything, 5),
                    total,
                    open_,
                    fixed,
                    closed,
                ]
            )
    return cells


# --- Keeping MapCell current -------------------------------------------------------------


def unit_of(latitude: float, longitude: float) -> tuple[int, int]:
    return math.floor(latitude * UNIT_LEVEL), math.floor(longitude * UNIT_LEVEL)


def _period_condition(period_days: int, now: datetime) -> Q | None:
    if period_days == ANY_TIME:
        return None
    return Q(submitted_at__gte=now - timedelta(days=period_days))


def _cell_rows(queryset, level: int, now: datetime) -> Iterable[dict]:
    """One row per cell, category and commune, with each period's counts and coordinate sums."""
    aggregates = {}
    for period_days in PERIOD_KEYS:
        within = _period_condition(period_days, now)
        for group in STATUS_GROUPS:
            condition = status_group_condition(group)
            aggregates[f"{group}_{period_days}"] = Count(
                COUNTED, filter=condition if within is None else condition & within
            )
        aggregates[f"latitude_sum_{period_days}"] = Sum("latitude", filter=within)
        aggregates[f"longitude_sum_{period_days}"] = Sum("longitude", filter=within)
    return (
        queryset.annotate(
            cell_row=Floor(F("latitude") * level), cell_col=Floor(F("longitude") * level)
        )
        .values("cell_row", "cell_col", "category_id", "commune_id")
        .annotate(**aggregates)
        .order_by()
    )


def _build_cells(queryset, level: int, now: datetime) -> list[MapCell]:
    """Every stored combination of the filters: each (category, commune) group of a cell counts
    towards its own row, its category's and its commune's "all" rows and the cell's total,
    once per period it falls in."""
    cells: dict[tuple[int, int, int, int, int], MapCell] = {}
    for r in _cell_rows(queryset, level, now):
        row, col = int(r["cell_row"]), int(r["cell_col"])
        for period_days in PERIOD_KEYS:
            counts = {group: r[f"{group}_{period_days}"] for group in STATUS_GROUPS}
            if not any(counts.values()):
                continue
            latitude_sum = r[f"latitude_sum_{period_days}"]
            longitude_sum = r[f"longitude_sum_{period_days}"]
            for category_key in (r["category_id"], 0):
                for commune_key in (r["commune_id"], 0):
                    key = (category_key, commune_key, period_days, row, col)
                    cell = cells.get(key)
                    if cell is None:
                        cell = cells[key] = MapCell(
                            level=level,
                            row=row,
                            col=col,
                            category_key=category_key,
                            commune_key=commune_key,
                            period_days=period_days,
                        )
                    for group, count in counts.items():
                        setattr(cell, group, getattr(cell, group) + count)
                    cell.latitude_sum += latitude_sum
                    cell.longitude_sum += longitude_sum
    return list(cells.values())


def _located_public_reports():
    return Report.objects.public().filter(latitude__isnull=False, longitude__isnull=False)


def rebuild_map_cells(*, now: datetime | None = None) -> int:
    """Recreates every map cell from the reports. Returns the number of cells written.

    The cells are computed first and written in one short transaction, so the write lock (the
    only one on SQLite) is held for the writing only."""
    now = now or timezone.now()
    cells = [
        cell
        for level in PRECOMPUTED_LEVELS
        for cell in _build_cells(_located_public_reports(), level, now)
    ]
    with transaction.atomic():
        MapCell.objects.all().delete()
        MapCell.objects.bulk_create(cells, batch_size=2000)
    return len(cells)


def refresh_map_units(units: Iterable[tuple[int, int]], *, now: datetime | None = None) -> int:
    """Recomputes the cells inside the given units (cells of the coarsest level). Idempotent.
    Each unit is computed, then written in a short transaction of its own."""
    now = now or timezone.now()
    written = 0
    for unit_row, unit_col in sorted(set(units)):
        south, west = unit_row / UNIT_LEVEL, unit_col / UNIT_LEVEL
        north, east = (unit_row + 1) / UNIT_LEVEL, (unit_col + 1) / UNIT_LEVEL
        reports = _located_public_reports().filter(
            latitude__gte=south, latitude__lt=north, longitude__gte=west, longitude__lt=east
        )
        cells_by_level = {level: _build_cells(reports, level, now) for level in PRECOMPUTED_LEVELS}
        with transaction.atomic():
            for level, cells in cells_by_level.items():
                factor = level // UNIT_LEVEL
                MapCell.objects.filter(
                    level=level,
                    row__gte=unit_row * factor,
                    row__lt=(unit_row + 1) * factor,
                    col__gte=unit_col * factor,
                    col__lt=(unit_col + 1) * factor,
                ).delete()
                MapCell.objects.bulk_create(cells, batch_size=2000)
                written += len(cells)
    return written


def units_of_reports(report_ids: Iterable[int]) -> set[tuple[int, int]]:
    ids = list(report_ids)
    units = set()
    for start in range(0, len(ids), 500):
        for lat, lon in Report.objects.filter(
            id__in=ids[start : start + 500], latitude__isnull=False
        ).values_list("latitude", "longitude"):
            units.add(unit_of(lat, lon))
    return units


def units_leaving_periods(since: datetime, now: datetime) -> set[tuple[int, int]]:
    """The units holding a report that left one of the map's periods between two refreshes
    (submitted 7 days before ``now`` but not 7 days before ``since``, and so on): their period
    rows count it no longer, though the report itself did not change."""
    crossed = Q()
    for period_days in PERIOD_DAYS.values():
        crossed |= Q(
            submitted_at__gte=since - timedelta(days=period_days),
            submitted_at__lt=now - timedelta(days=period_days),
        )
    return {
        unit_of(lat, lon)
        for lat, lon in _located_public_reports()
        .filter(crossed)
        .values_list("latitude", "longitude")
        .iterator()
    }
