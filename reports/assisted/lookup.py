"""Finding a category or a commune from what the person typed: the search behind the entry
form's autocomplete, which works with or without the browser's help and with or without
Vietnamese accents ("o ga" finds "Ổ gà")."""

from __future__ import annotations

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


def matching(typed: str, candidates: Iterable[Candidate]) -> list:
    """The items ``typed`` designates: the one whose name or code it is, else every item
    whose names and words contain each word typed (in the candidates' order)."""
    query = _fold(typed)
    if not query:
        return []
    candidates = list(candidates)
    for candidate in candidates:
        if query in {_fold(name) for name in candidate.names if name}:
            return [candidate.item]
    words = query.split()
    found = []
    for candidate in candidates:
        haystack = _fold(" ".join([*candidate.names, candidate.words]))
        if all(word in haystack for word in words):
            found.append(candidate.item)
    return found
