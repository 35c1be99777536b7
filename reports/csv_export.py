"""CSV downloads: streamed, UTF-8 with a byte-order mark, every text cell safe to open in a
spreadsheet. Every CSV the portal serves (open data, the staff export) is written here."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse

# A cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """Text a spreadsheet would run as a formula gets a leading apostrophe, which spreadsheets
    show as plain text; numbers and empty cells are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Echo:
    """A file-like object for csv.writer that hands back each line instead of storing it."""

    def write(self, value):
        return value


def csv_lines(header: Iterable, rows: Iterable[Iterable]) -> Iterator[str]:
    """The header, then one line per row; the byte-order mark lets spreadsheet programs read
    Vietnamese text as UTF-8."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([spreadsheet_safe(str(name)) for name in header])
    for row in rows:
        yield writer.writerow([spreadsheet_safe(value) for value in row])


def csv_response(lines: Iterable[str], *, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
