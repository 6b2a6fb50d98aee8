"""Reading an uploaded CSV file with a header line: one reader behind every import (the member
register, dossiers), so a header is checked and a row with too many values is caught the same
way everywhere. Each import words its own errors: it knows what its file is called and where
the error goes on its form."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence


class ExtraValues(Exception):
    """A data line has more values than the header has columns."""

    def __init__(self, line: int, row: int) -> None:
        super().__init__(f"line {line} (row {row}) has more values than the header has columns")
        self.line = line  # the line of the file, counting the header
        self.row = row  # the data row, from 1


def header_problems(
    header: Sequence[str], columns: Sequence[str], required: Sequence[str]
) -> list[str]:
    """What is wrong with a header line: missing required columns, unknown ones, a repeat."""
    problems = []
    missing = [c for c in required if c not in header]
    unknown = [c for c in header if c not in columns]
    if missing:
        problems.append(f"missing column(s): {', '.join(missing)}")
    if unknown:
        problems.append(f"unknown column(s): {', '.join(unknown)}")
    if len(set(header)) != len(header):
        problems.append("a column is named twice")
    return problems


def dict_rows(
    text: str, *, check_header: Callable[[list[str]], None], max_rows: int
) -> list[dict[str, str]]:
    """The rows of ``text`` as dicts keyed by the (stripped) header, after ``check_header``
    accepted it; reading stops after ``max_rows + 1`` rows, so a caller can tell "too many"
    without reading a huge file whole. Raises ``ExtraValues`` or ``csv.Error``."""
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    header = [h.strip() for h in reader.fieldnames or []]
    check_header(header)
    reader.fieldnames = header
    rows: list[dict[str, str]] = []
    for line in reader:
        if None in line:
            raise ExtraValues(line=reader.line_num, row=len(rows) + 1)
        rows.append({k: (v or "") for k, v in line.items()})
        if len(rows) > max_rows:
            break
    return rows
