"""Finding a category or a commune from what the person typed: the search behind the entry
form's autocomplete, which works with or without the browser's help and with or without
Vietnamese accents ("o ga" finds "Ổ gà")."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from reports.search import fold_diacritics


@dataclass(frozen=True)
class Candidate:
    item: object
    names: Sequence[str]  # what an exact answer may be: the names and the code
    words: str = ""  # more text a partial answer may match: group, keywords, former names


def _fold(text: str) -> str:
    return " ".join(fold_diacritics(text).split())


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", fold_diacritics(text))


def _starts_words(typed: list[str], text: str) -> bool:
    """Every typed word begins a word of ``text`` ("den du" fits "Đèn đường")."""
    words = _words(text)
    return all(any(word.startswith(part) for word in words) for part in typed)


def matching(typed: str, candidates: Iterable[Candidate]) -> list:
    """The items ``typed`` designates: the one whose name or code it is; else those whose
    names have a word beginning with each word typed; else those whose names and words do
    (group, keywords, former names). In the candidates' order."""
    query = _fold(typed)
    if not query:
        return []
    candidates = list(candidates)
    for candidate in candidates:
        if query in {_fold(name) for name in candidate.names if name}:
            return [candidate.item]
    parts = _words(query)
    if not parts:
        return []
    by_name = [c.item for c in candidates if _starts_words(parts, " ".join(c.names))]
    if by_name:
        return by_name
    return [c.item for c in candidates if _starts_words(parts, " ".join([*c.names, c.words]))]
