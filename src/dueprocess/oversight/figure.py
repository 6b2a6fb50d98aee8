"""The shape every oversight figure takes: a small table that a chart, a CSV and a page share.

Keeping one shape means the chart can never show something the table (and the export) does
not, and the list of cases behind each row is described by the same filters the drill-down
page validates.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Cell = str | int


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    filters: dict[str, str] | None = None  # the cases behind this row (None: no list)


@dataclass(frozen=True)
class Figure:
    key: str
    title: str
    summary: str  # one plain sentence: the chart's description for screen readers
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    chart: str = "bar"  # bar | stacked | multiples | none
    series: tuple[int, ...] = (1,)  # which columns are drawn
    label_column: int = 0
    listable: bool = True  # whether rows can open a list of cases at all
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def is_empty(self) -> bool:
        return not any(
            isinstance(c, int) and c for row in self.rows for c in _series(row, self.series)
        )

    def total(self, column: int) -> int:
        return sum(int(r.cells[column]) for r in self.rows if isinstance(r.cells[column], int))

    def series_names(self) -> list[str]:
        return [self.columns[i] for i in self.series]


def _series(row: Row, series: tuple[int, ...]) -> list[Cell]:
    return [row.cells[i] for i in series]
