"""Keyset pagination, for every paged list (the staff list and export, the public list and
open-data downloads, Open311): pages are "the next N rows after this one" in a stable order, so
a page costs the same on the first or the ten-thousandth page (no OFFSET) and needs no COUNT.

The order is one column plus the id as a tie-breaker. A nullable column sorts its nulls last
(reports whose clocks have stopped come after those still running).

A cursor marks the row a page continues from, and which way. How it is written in a URL is the
caller's choice: the dashboard uses an opaque token (``encode_cursor``); public pages use the
row's tracking code (``cursor_at``), so database ids never leave the server there.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, Q, QuerySet


@dataclass(frozen=True)
class SortOrder:
    field: str
    descending: bool = False
    nullable: bool = False  # only with ascending order: nulls come last

    def position_of(self, row) -> Position:
        """Where a row (a model instance, or a dict from ``values()`` with the id) sits."""
        if isinstance(row, Mapping):
            return Position(row[self.field], row["id"])
        return Position(getattr(row, self.field), row.pk)


@dataclass(frozen=True)
class Position:
    value: object
    pk: int


@dataclass(frozen=True)
class Cursor:
    """Continue after ``position``, or before it when ``backwards``."""

    position: Position
    backwards: bool = False


# The staff list's orders (a key of SORTS is the ``sort`` query parameter).
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


def encode_cursor(cursor: Cursor) -> str:
    """An opaque token for a cursor: "n" (forwards) or "p" (backwards), then the position."""
    value = cursor.position.value
    raw = json.dumps(
        [value.isoformat() if isinstance(value, datetime) else value, cursor.position.pk]
    )
    direction = "p" if cursor.backwards else "n"
    return direction + base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(token: str | None) -> Cursor | None:
    """The cursor an ``encode_cursor`` token stands for; None for a missing or malformed one
    (the first page)."""
    if not token or token[0] not in "np":
        return None
    try:
        payload = token[1:] + "=" * (-len(token[1:]) % 4)
        value, pk = json.loads(base64.urlsafe_b64decode(payload.encode()))
        if value is not None:
            value = datetime.fromisoformat(value)
        return Cursor(Position(value, int(pk)), backwards=token[0] == "p")
    except (ValueError, TypeError):
        return None


def cursor_at(queryset: QuerySet, *, order: SortOrder, backwards: bool = False, **lookup):
    """A cursor at the row of ``queryset`` that ``lookup`` finds (e.g. ``tracking_code=...``),
    or None when there is none. One query."""
    if not any(lookup.values()):
        return None
    found = queryset.filter(**lookup).values_list(order.field, "pk").first()
    return Cursor(Position(*found), backwards=backwards) if found else None


def _beyond(order: SortOrder, position: Position, *, backwards: bool) -> Q:
    """Rows strictly after the position in the order, or strictly before it when backwards."""
    name, value, pk = order.field, position.value, position.pk
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
    # The first condition repeats what the two alternatives imply: on its own it is a range of
    # the order's index, so a deep page starts reading where it begins rather than filtering
    # every row before it.
    return Q(**{f"{name}__{op}e": value}) & (
        Q(**{f"{name}__{op}": value}) | Q(**{name: value, f"id__{op}": pk})
    )


def _ordering(order: SortOrder, *, backwards: bool) -> list:
    column = F(order.field)
    descending = order.descending != backwards
    if order.nullable:
        primary = column.desc(nulls_first=True) if backwards else column.asc(nulls_last=True)
    else:
        primary = column.desc() if descending else column.asc()
    return [primary, "-id" if descending else "id"]


def opaque_cursor(order: SortOrder) -> Callable[[object, bool], str]:
    """Writes the cursor at a row as an ``encode_cursor`` token."""
    return lambda row, backwards: encode_cursor(Cursor(order.position_of(row), backwards))


def keyset_page(
    queryset: QuerySet,
    *,
    order: SortOrder,
    size: int,
    cursor: Cursor | None = None,
    skip: int = 0,
    write_cursor: Callable[[object, bool], str] | None = None,
) -> Page:
    """One page of ``queryset`` in ``order``, after (or before) ``cursor``: one query.

    ``write_cursor(row, backwards)`` writes the cursors of the neighbouring pages (default: an
    opaque token). ``skip`` serves clients that ask for a numbered page (Open311's ``page=``)
    from the start of the order; it costs an OFFSET, so deep numbered pages cost more.
    """
    write_cursor = write_cursor or opaque_cursor(order)
    if cursor is not None and cursor.position.value is None and not order.nullable:
        cursor = None  # a cursor made for another order (or by hand): start again
    backwards = cursor is not None and cursor.backwards
    if cursor is not None:
        queryset = queryset.filter(_beyond(order, cursor.position, backwards=backwards))
        skip = 0
    ordered = queryset.order_by(*_ordering(order, backwards=backwards))
    rows = list(ordered[skip : skip + size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    if not rows:
        return Page(rows=[], next_cursor=None, previous_cursor=None)
    if backwards:
        has_next, has_previous = True, more
    else:
        has_next, has_previous = more, cursor is not None or skip > 0
    return Page(
        rows=rows,
        next_cursor=write_cursor(rows[-1], False) if has_next else None,
        previous_cursor=write_cursor(rows[0], True) if has_previous else None,
    )


def iterate_in_chunks(queryset: QuerySet, *, order: SortOrder, chunk_size: int = 1000) -> Iterator:
    """Every row of ``queryset`` in ``order``, one keyset query per chunk (for exports), so
    memory stays flat and no long-running cursor is held."""
    cursor = None
    while True:
        page = keyset_page(queryset, order=order, size=chunk_size, cursor=cursor)
        yield from page.rows
        if page.next_cursor is None:
            return
        cursor = Cursor(order.position_of(page.rows[-1]))
