"""CSV export of a figure: exactly the table the page shows, safe to open in a spreadsheet.

Labels such as a staff name could begin with ``=``, ``+``, ``-`` or ``@``; a spreadsheet would
run them as a formula (CSV injection), so such text cells are prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io

from dueprocess.oversight.figure import Cell, Figure

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(cell: Cell) -> Cell:
    if isinstance(cell, str) and cell.startswith(_FORMULA_START):
        return "'" + cell
    return cell


def figure_csv(figure: Figure) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_safe(c) for c in figure.columns])
    for row in figure.rows:
        writer.writerow([_safe(c) for c in row.cells])
    return buffer.getvalue()
