"""Measures the public pages at growing numbers of reports (``manage.py benchmark_public``).

Reports are seeded with bulk inserts of plausible rows (not through the actions: a million
submissions would take hours), then the derived tables are rebuilt and each page is requested
through Django's test client, so middleware, queries and templates are all counted.
"""

from __future__ import annotations

import itertools
import random
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from reports.models import Report
from reports.tracking import ALPHABET
from services.models import Category, Commune, Department

SPAN_DAYS = 3 * 365
BATCH = 5000
S = Report.Status
# status, share: most reports are done, some are being handled, a few wait or were refused.
STATUS_MIX = [
    (S.CLOSED, 0.40),
    (S.RESOLVED, 0.30),
    (S.IN_PROGRESS, 0.10),
    (S.ACCEPTED, 0.07),
    (S.WAITING_INFO, 0.03),
    (S.REJECTED, 0.06),
    (S.SUBMITTED, 0.04),
]


def seeded_code(number: int) -> str:
    symbols = []
    for _ in range(8):
        number, digit = divmod(number, 32)
        symbols.append(ALPHABET[digit])
    code = "".join(reversed(symbols))
    return f"CM-{code[:4]}-{code[4:]}"


@dataclass
class Catalogue:
    categories: list[tuple[int, int | None]]  # (id, handling department id)
    communes: list[tuple[int, float, float, int | None]]  # (id, lat, lon, committee id)

    @classmethod
    def load(cls) -> Catalogue:
        committees = dict(
            Department.objects.filter(kind=Department.Kind.COMMUNE).values_list("commune_id", "id")
        )
        return cls(
            categories=list(Category.objects.values_list("id", "department_id")),
            communes=[
                (pk, lat, lon, committees.get(pk))
                for pk, lat, lon in Commune.objects.values_list("id", "latitude", "longitude")
            ],
        )


def _rows(
    start_number: int, count: int, *, now: datetime, catalogue: Catalogue, rng, span_days: int
) -> Iterator[dict]:
    statuses = [s for s, _ in STATUS_MIX]
    weights = [w for _, w in STATUS_MIX]
    for number in range(start_number, start_number + count):
        commune_id, lat, lon, committee_id = rng.choice(catalogue.communes)
        category_id, category_department = rng.choice(catalogue.categories)
        submitted_at = now - timedelta(seconds=rng.uniform(0, span_days * 86400))
        status = rng.choices(statuses, weights)[0]
        if status == S.SUBMITTED:
            submitted_at = now - timedelta(hours=rng.uniform(0, 30))
        accepted = status not in (S.SUBMITTED, S.REJECTED)
        accepted_at = submitted_at + timedelta(minutes=rng.uniform(10, 240)) if accepted else None
        row = {
            "tracking_code": seeded_code(number),
            "title": "Phản ánh mẫu",
            "description": "Dữ liệu mẫu để đo hiệu năng.",
            "category_id": category_id,
            "commune_id": commune_id,
            "latitude": lat + rng.uniform(-0.04, 0.04),
            "longitude": lon + rng.uniform(-0.04, 0.04),
            "status": status,
            "submitted_at": submitted_at,
            "intake_due_at": submitted_at + timedelta(hours=2),
            "intake_done_at": accepted_at
            or (submitted_at + timedelta(hours=1) if status == S.REJECTED else None),
            "accepted_at": accepted_at,
            "published_at": accepted_at,
            "department_id": (category_department or committee_id) if accepted else None,
        }
        if accepted:
            row["response_due_at"] = accepted_at + timedelta(hours=4)
            row["resolution_due_at"] = accepted_at + timedelta(days=10)
            if status != S.ACCEPTED:
                row["first_response_at"] = accepted_at + timedelta(hours=rng.uniform(0.2, 8))
            if status in (S.RESOLVED, S.CLOSED):
                row["resolved_at"] = accepted_at + timedelta(hours=rng.uniform(2, 400))
        yield row


def seed_reports(
    count: int, *, start_number: int = 0, seed: int = 311, span_days: int = SPAN_DAYS
) -> None:
    """Inserts ``count`` reports in batches, with executemany and database-ready values."""
    rng = random.Random(seed + start_number)
    catalogue = Catalogue.load()
    now = timezone.now()
    fields = [
        f
        for f in Report._meta.concrete_fields
        if not f.primary_key and not getattr(f, "generated", False)
    ]
    rows = _rows(start_number, count, now=now, catalogue=catalogue, rng=rng, span_days=span_days)
    first = next(rows, None)
    if first is None:
        return
    # Every row sets the same keys (the optional ones are filled with None below).
    varying_names = set(first) | {
        "response_due_at",
        "resolution_due_at",
        "first_response_at",
        "resolved_at",
    }
    constant = {"updated_at": now, "search_text": "phan anh mau"}
    for f in fields:
        if f.attname in varying_names or f.attname in constant:
            continue
        constant[f.attname] = f.get_default() if f.has_default() else (None if f.null else "")
    prepared = {
        f.attname: f.get_db_prep_save(constant[f.attname], connection)
        for f in fields
        if f.attname in constant
    }
    varying = [(f.attname, f) for f in fields if f.attname in varying_names]
    table = connection.ops.quote_name(Report._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"
    batch = []
    with connection.cursor() as cursor:
        for row in itertools.chain([first], rows):
            values = dict(prepared)
            for name, field in varying:
                values[name] = field.get_db_prep_save(row.get(name), connection)
            batch.append([values[f.attname] for f in fields])
            if len(batch) >= BATCH:
                with transaction.atomic():
                    cursor.executemany(sql, batch)
                batch = []
        if batch:
            with transaction.atomic():
                cursor.executemany(sql, batch)


def timed(request: Callable[[], object], *, repeat: int = 7) -> float:
    """The median wall time of ``repeat`` calls, in milliseconds, after one warm-up call."""
    request()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        request()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def _get(client: Client, url: str, params: dict | None = None) -> Callable[[], object]:
    def call():
        response = client.get(url, params or {})
        assert response.status_code == 200, (url, response.status_code)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
        return response

    return call


def measure(*, repeat: int = 7) -> dict[str, float]:
    """Times the four measured requests on the current data."""
    client = Client()
    public = Report.objects.public()
    depth = public.count() // 2
    deep_code = public.order_by("-published_at", "-id").values_list("tracking_code", flat=True)[
        depth
    ]
    return {
        "map, province-wide box": timed(
            _get(client, reverse("public:map_data"), {"bbox": "104.7,8.5,105.9,9.7"}), repeat=repeat
        ),
        "list, first page": timed(_get(client, reverse("public:list")), repeat=repeat),
        "list, deep page": timed(
            _get(client, reverse("public:list"), {"after": deep_code}), repeat=repeat
        ),
        "statistics page": timed(_get(client, reverse("public:stats")), repeat=repeat),
    }
