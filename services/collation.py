"""The order of names: Vietnamese alphabetical order, the one rule every sorted list follows.

Vietnamese orders letters a ă â b c d đ e ê … o ô ơ … u ư …, so "Đầm Dơi" comes after every
name in D and before E, and tones only decide between names that are otherwise the same, in
the order unmarked, huyền, hỏi, ngã, sắc, nặng (Unicode CLDR's Vietnamese collation, which
ICU implements). Byte order and the database's default collation put Đ after Z and "Ă" after
"Y", which is what people noticed.

Three ways in, one rule:
- ``vietnamese_sort_key`` for lists sorted in Python (statistics tables);
- ``VietnameseCollate`` for querysets (``order_by``, ``Meta.ordering``): on PostgreSQL it is
  ICU's own Vietnamese collation ("vi-x-icu"); on SQLite a collation registered on every
  connection that compares with ``vietnamese_sort_key``.
PyICU would be the library for this, but it ships no wheels and needs ICU's headers to build.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import TypeVar

from django.db.models.functions import Collate
from django.utils.deconstruct import deconstructible

SQLITE_COLLATION = "vietnamese"
POSTGRESQL_COLLATION = "vi-x-icu"

# The Vietnamese alphabet, with the letters only loanwords use (f, j, w, z) in Latin order.
ALPHABET = [
    "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m", "n",
    "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z",
]  # fmt: skip
LETTER_RANK = {letter: rank for rank, letter in enumerate(ALPHABET)}
# Marks that make a letter of its own (ă â ê ô ơ ư) rather than a tone.
LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn
# Tones, in dictionary order after the unmarked ngang: huyền, hỏi, ngã, sắc, nặng.
TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}

# Primary weights: spaces and punctuation, then digits, then letters, then anything else.
_SPACE, _DIGIT, _LETTER, _OTHER = range(4)

T = TypeVar("T")


def _characters(text: str) -> Iterable[tuple[str, str]]:
    """Each base character with the combining marks that follow it (text in NFD)."""
    base, marks = None, ""
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.combining(char) and base is not None:
            marks += char
            continue
        if base is not None:
            yield base, marks
        base, marks = char, ""
    if base is not None:
        yield base, marks


@lru_cache(maxsize=4096)
def vietnamese_sort_key(text: str) -> tuple:
    """A key that sorts strings in Vietnamese alphabetical order: letters first, then tones,
    then lower case before upper case (ICU's levels, for the Vietnamese locale)."""
    primary, secondary, tertiary = [], [], []
    for base, marks in _characters(text or ""):
        lower = base.lower()
        letter = unicodedata.normalize(
            "NFC", lower + "".join(mark for mark in marks if mark in LETTER_MARKS)
        )
        if letter in LETTER_RANK:
            primary.append((_LETTER, LETTER_RANK[letter]))
        elif lower.isdigit():
            primary.append((_DIGIT, unicodedata.digit(lower, 0)))
        elif lower.isspace() or unicodedata.category(lower).startswith("P"):
            primary.append((_SPACE, ord(" ") if lower.isspace() else ord(lower)))
        else:
            primary.append((_OTHER, ord(letter[0])))
        secondary.append(max((TONE_RANK.get(mark, 0) for mark in marks), default=0))
        tertiary.append(0 if base == lower else 1)
    return tuple(primary), tuple(secondary), tuple(tertiary)


def sorted_by_name(items: Iterable[T], name: Callable[[T], str] = str) -> list[T]:
    """``items`` in Vietnamese order of ``name(item)`` (by default, how the item is shown)."""
    return sorted(items, key=lambda item: vietnamese_sort_key(name(item)))


def compare(left: str, right: str) -> int:
    """The comparison SQLite calls for ``COLLATE vietnamese``."""
    left_key, right_key = vietnamese_sort_key(left), vietnamese_sort_key(right)
    return (left_key > right_key) - (left_key < right_key)


def register_sqlite_collation(sender, connection, **kwargs) -> None:
    """Connected to ``connection_created`` (services.apps): every SQLite connection, the web
    server's, the worker's and the tests', knows the collation before its first query."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(SQLITE_COLLATION, compare)


@deconstructible(path="services.collation.VietnameseCollate")
class VietnameseCollate(Collate):
    """``field COLLATE <Vietnamese>`` for ordering a queryset by a name."""

    def __init__(self, expression):
        super().__init__(expression, SQLITE_COLLATION)

    def as_postgresql(self, compiler, connection, **extra_context):
        extra_context["collation"] = connection.ops.quote_name(POSTGRESQL_COLLATION)
        return self.as_sql(compiler, connection, **extra_context)
