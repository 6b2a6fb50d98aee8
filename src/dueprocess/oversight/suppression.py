"""Small-number suppression for published tables, with secondary suppression.

Every published table is one list of counts and its total (a table with two dimensions is
published as two such lists, which share only their total), so what a reader can work out from
it is exact and simple: the hidden cells add up to the total less the shown cells.

* **Primary**: a count from 1 to ``threshold - 1`` is shown as "fewer than N". Zero is shown:
  it names nobody.
* **Secondary**: the rule is public, so a reader knows each "fewer than N" is between 1 and
  N - 1 and each other hidden cell is at least N. More cells (the smallest that suffice, then
  the total itself) are hidden until, for every primary cell, *every* value from 1 to N - 1
  stays consistent with everything shown — the figures then tell nothing about a small cell
  beyond "fewer than N".

``feasible_range`` is the reader's arithmetic; the property tests attack the published tables
with it and by brute force over every table that could have been published the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

DEFAULT_THRESHOLD = 5
UNBOUNDED = 10**12  # "no upper bound" in the interval arithmetic


class Shown(StrEnum):
    EXACT = "exact"
    PRIMARY = "fewer_than"  # 1 .. threshold - 1
    SECONDARY = "suppressed"  # hidden so that a small cell cannot be worked out


@dataclass(frozen=True)
class Published:
    """One cell as published: its state, and its value only when shown exactly."""

    state: Shown
    value: int | None

    def text(self, threshold: int) -> str:
        if self.state is Shown.EXACT:
            return str(self.value)
        if self.state is Shown.PRIMARY:
            return f"fewer than {threshold}"
        return "not shown"

    def json(self) -> int | str:
        """The cell in machine-readable form: the count, or why there is none."""
        return self.value if self.value is not None else self.state.value


@dataclass(frozen=True)
class PublishedTable:
    cells: tuple[Published, ...]
    total: Published
    threshold: int


def _bounds(state: Shown, value: int | None, threshold: int, *, total: bool) -> tuple[int, int]:
    """What a reader knows of a cell from how it is shown. A hidden cell was at least the
    threshold; a hidden total may have been a small one hidden with everything in it."""
    if state is Shown.EXACT:
        assert value is not None
        return value, value
    if state is Shown.PRIMARY:
        return 1, threshold - 1
    return (1 if total else threshold), UNBOUNDED


def feasible_range(table: PublishedTable, index: int) -> tuple[int, int]:
    """The values cell ``index`` could take, given everything else the table shows and the
    public rule (one sum constraint over box bounds, so the range is exact and contiguous)."""
    k = table.threshold
    bounds = [_bounds(c.state, c.value, k, total=False) for c in table.cells]
    low, high = bounds[index]
    total_low, total_high = _bounds(table.total.state, table.total.value, k, total=True)
    others_low = sum(b[0] for i, b in enumerate(bounds) if i != index)
    others_high = sum(b[1] for i, b in enumerate(bounds) if i != index)
    return max(low, total_low - others_high), min(high, total_high - others_low)


def _protected(table: PublishedTable) -> bool:
    k = table.threshold
    for i, cell in enumerate(table.cells):
        if cell.state is Shown.PRIMARY and feasible_range(table, i) != (1, k - 1):
            return False
    return True


def _make(
    values: list[int], states: list[Shown], total: int, total_state: Shown, k: int
) -> PublishedTable:
    def cell(value: int, state: Shown) -> Published:
        return Published(state, value if state is Shown.EXACT else None)

    return PublishedTable(
        cells=tuple(cell(v, s) for v, s in zip(values, states, strict=True)),
        total=cell(total, total_state),
        threshold=k,
    )


def suppress(
    values: list[int] | tuple[int, ...],
    threshold: int = DEFAULT_THRESHOLD,
    *,
    hide_total: bool = False,
) -> PublishedTable:
    """Publish ``values`` and their total with primary and secondary suppression.
    ``hide_total``: the same total is hidden in another table, so it is hidden here too."""
    k = max(int(threshold), 1)
    counts = [int(v) for v in values]
    if any(v < 0 for v in counts):
        raise ValueError("counts cannot be negative")
    total = sum(counts)

    def primary(v: int) -> bool:
        return 0 < v < k

    states = [Shown.PRIMARY if primary(v) else Shown.EXACT for v in counts]
    total_state = Shown.PRIMARY if primary(total) else Shown.EXACT
    if hide_total:
        total_state = Shown.SECONDARY
    table = _make(counts, states, total, total_state, k)
    while not _protected(table):
        candidates = sorted(
            (v, i)
            for i, (v, s) in enumerate(zip(counts, states, strict=True))
            if s is Shown.EXACT and v >= k
        )
        chosen = None
        for _, i in candidates:
            trial = list(states)
            trial[i] = Shown.SECONDARY
            if _protected(_make(counts, trial, total, total_state, k)):
                chosen = i
                break
        if chosen is None and candidates:
            chosen = candidates[-1][1]  # no single cell suffices: hide the largest, then look again
        if chosen is not None:
            states[chosen] = Shown.SECONDARY
        else:
            total_state = Shown.SECONDARY  # nothing left to hide but the total
        table = _make(counts, states, total, total_state, k)
    return table
