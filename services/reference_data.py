"""Loads the catalogue and the working calendar from the CSV files in ``services/data``.

Idempotent: rows are matched on their natural keys and updated only where a field differs, so a
second run changes nothing. Administrators' additions are kept; the files never delete rows.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path

from django.db import transaction

from services.models import CalendarDay, Category, Commune, Department, OfficeHours

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_OFFICE_HOURS = [(time(7, 0), time(11, 30)), (time(13, 30), time(17, 0))]
_TARGET_RE = re.compile(r"^(\d+)(wd|wh)$")


@dataclass
class LoadResult:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, model_name: str, created: bool, changed: bool) -> None:
        if created:
            self.created[model_name] = self.created.get(model_name, 0) + 1
        elif changed:
            self.updated[model_name] = self.updated.get(model_name, 0) + 1

    @property
    def changed_anything(self) -> bool:
        return bool(self.created or self.updated)


def _rows(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _upsert(model, lookup: dict, values: dict) -> tuple[object, bool, bool]:
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        return model.objects.create(**lookup, **values), True, False
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if changed:
        for name in changed:
            setattr(instance, name, values[name])
        instance.save(update_fields=changed)
    return instance, False, bool(changed)


def parse_target(raw: str) -> tuple[int, str]:
    match = _TARGET_RE.match(raw.strip())
    if not match:
        raise ValueError(f"bad resolution target {raw!r}")
    return int(match.group(1)), match.group(2)


@transaction.atomic
def load_reference_data() -> LoadResult:
    result = LoadResult()

    for row in _rows("camau_communes.csv"):
        commune, created, changed = _upsert(
            Commune,
            {"code": row["code"]},
            {
                "name": row["name"],
                "kind": row["kind"],
                "former_province": row["former_province"],
                "former_district": row["former_district"],
                "predecessors": row["predecessors"],
                "latitude": float(row["approx_lat"]),
                "longitude": float(row["approx_lon"]),
            },
        )
        result.count("commune", created, changed)
        short_name = commune.name
        _, created, changed = _upsert(
            Department,
            {"code": f"UBND_{commune.code}"},
            {
                "name_vi": f"UBND {short_name}",
                "name_en": f"People's Committee of {_english_commune_name(short_name)}",
                "kind": Department.Kind.COMMUNE,
                "commune": commune,
            },
        )
        result.count("department", created, changed)

    for row in _rows("departments.csv"):
        _, created, changed = _upsert(
            Department,
            {"code": row["code"]},
            {
                "name_vi": row["name_vi"],
                "name_en": row["name_en"],
                "kind": row["kind"],
                "notes": row["notes"],
            },
        )
        result.count("department", created, changed)

    for position, row in enumerate(_rows("categories.csv")):
        target, unit = parse_target(row["resolution_target"])
        handled_by = row["handled_by"]
        department = None
        if handled_by not in ("commune", "intake"):
            department = Department.objects.get(code=handled_by)
            handled_by = Category.HandledBy.DEPARTMENT
        _, created, changed = _upsert(
            Category,
            {"code": row["code"]},
            {
                "group_vi": row["group_vi"],
                "group_en": row["group_en"],
                "name_vi": row["name_vi"],
                "name_en": row["name_en"],
                "handled_by": handled_by,
                "department": department,
                "resolution_target": target,
                "resolution_unit": unit,
                "urgent_default": row["urgent_default"].strip().lower() == "yes",
                "keywords": row["keywords"],
                "sort_order": position,
            },
        )
        result.count("category", created, changed)

    for row in _rows("holidays_vn.csv"):
        _, created, changed = _upsert(
            CalendarDay,
            {"date": date.fromisoformat(row["date"])},
            {
                "kind": row["kind"],
                "name_vi": row["name_vi"],
                "name_en": row["name_en"],
                "source": row["source"],
                "is_confirmed": row["certainty"] == "confirmed",
            },
        )
        result.count("calendar day", created, changed)

    # Office hours are seeded once; after that they belong to the administrators.
    if not OfficeHours.objects.exists():
        for weekday in range(5):
            for start, end in DEFAULT_OFFICE_HOURS:
                OfficeHours.objects.create(weekday=weekday, start=start, end=end)
                result.count("office hours", True, False)
    return result


def _english_commune_name(name: str) -> str:
    for prefix, english in (("Phường ", "Ward"), ("Xã ", "Commune")):
        if name.startswith(prefix):
            return f"{name[len(prefix) :]} {english}"
    return name
