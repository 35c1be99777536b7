"""Keyset pagination: pages are "the next N rows after this one" in a stable order, so a page
costs the same on the first or the ten-thousandth page (no OFFSET) and needs no COUNT.

The order is one column plus the id as a tie-breaker. A nullable column sorts its nulls last
(reports whose clocks have stopped come after those still running).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, Q, QuerySet


@dataclass(frozen=True)
class SortOrder:
    field: str
    descending: bool = False
    nullable: bool = False  # only with ascending order: nulls come last


SORTS: dict[str, SortOrder] = {
    "deadline": SortOrder("handling_due_at", nullable=True),
    "newest": SortOrder("submitted_at", descending=True),
    "oldest": SortOrder("submitted_at"),
    "updated": SortOrder("updated_at", descending=True),
}
DEFAULT_SORT = "deadline"


@dataclass
class Page:
    rows: list
    next_cursor: str | None
    previous_cursor: str | None

    @property
    def is_first(self) -> bool:
        return self.previous_cursor is None


def encode_cursor(direction: str, value, pk: int) -> str:
    raw = json.dumps([value.isoformat() if isinstance(value, datetime) else value, pk])
    return direction + base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> tuple[str, object, int] | None:
    """("n" or "p", value, id) or None for a missing or malformed cursor (the first page)."""
    if not cursor or cursor[0] not in "np":
        return None
    try:
        payload = cursor[1:] + "=" * (-len(cursor[1:]) % 4)
        value, pk = json.loads(base64.urlsafe_b64decode(payload.encode()))
        if value is not None:
            value = datetime.fromisoformat(value)
        return cursor[0], value, int(pk)
    except (ValueError, TypeError):
        return None


def _beyond(order: SortOrder, value, pk: int, *, backwards: bool) -> Q:
    """Rows strictly after (value, pk) in the order, or strictly before it when backwards."""
    name = order.field
    if order.nullable:
        if not backwards:
            if value is None:
                return Q(**{f"{name}__isnull": True, "id__gt": pk})
            return (
                Q(**{f"{name}__gt": value})
                | Q(**{name: value, "id__gt": pk})
                | Q(**{f"{name}__isnull": True})
            )
        if value is None:
            return Q(**{f"{name}__isnull": False}) | Q(**{f"{name}__isnull": True, "id__lt": pk})
        return Q(**{f"{name}__lt": value}) | Q(**{name: value, "id__lt": pk})
    op = "lt" if order.descending != backwards else "gt"
    return Q(**{f"{name}__{op}": value}) | Q(**{name: value, f"id__{op}": pk})


def _ordering(order: SortOrder, *, backwards: bool) -> list:
    column = F(order.field)
    descending = order.descending != backwards
    if order.nullable:
        primary = column.desc(nulls_first=True) if backwards else column.asc(nulls_last=True)
    else:
        primary = column.desc() if descending else column.asc()
    return [primary, "-id" if descending else "id"]


def keyset_page(queryset: QuerySet, *, sort: str, size: int, cursor: str | None = None) -> Page:
    """One page of ``queryset`` in the order ``sort`` (a key of SORTS): one query."""
    order = SORTS.get(sort) or SORTS[DEFAULT_SORT]
    position = decode_cursor(cursor)
    if position is not None and position[1] is None and not order.nullable:
        position = None  # a cursor made for another order (or by hand): start again
    backwards = position is not None and position[0] == "p"
    if position is not None:
        queryset = queryset.filter(_beyond(order, position[1], position[2], backwards=backwards))
    rows = list(queryset.order_by(*_ordering(order, backwards=backwards))[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()

    def cursor_at(direction, row):
        return encode_cursor(direction, getattr(row, order.field), row.pk)

    if not rows:
        return Page(rows=[], next_cursor=None, previous_cursor=None)
    if backwards:
        next_cursor = cursor_at("n", rows[-1])
        previous_cursor = cursor_at("p", rows[0]) if more else None
    else:
        next_cursor = cursor_at("n", rows[-1]) if more else None
        previous_cursor = cursor_at("p", rows[0]) if position is not None else None
    return Page(rows=rows, next_cursor=next_cursor, previous_cursor=previous_cursor)


def iterate_in_chunks(queryset: QuerySet, *, sort: str, chunk_size: int = 1000):
    """Every row of ``queryset`` in order, one keyset query per chunk (for exports)."""
    cursor = None
    while True:
        page = keyset_page(queryset, sort=sort, size=chunk_size, cursor=cursor)
        yield from page.rows
        if page.next_cursor is None:
            return
        cursor = page.next_cursor
