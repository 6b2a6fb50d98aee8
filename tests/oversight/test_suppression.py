"""Small-number suppression: a reader who knows the rule and does the arithmetic on everything
published cannot narrow a "fewer than N" cell at all, let alone recover it."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from dueprocess.oversight.suppression import (
    UNBOUNDED,
    PublishedTable,
    Shown,
    feasible_range,
    suppress,
)

counts = st.lists(st.one_of(st.integers(0, 12), st.integers(0, 400)), min_size=1, max_size=12)
thresholds = st.integers(2, 10)


def attack(table: PublishedTable, index: int) -> set[int]:
    """An independent attacker for small tables: every value of the hidden cells consistent
    with the shown cells, the total and the public rule, by exhaustive search."""
    k = table.threshold
    hidden = [i for i, c in enumerate(table.cells) if c.state is not Shown.EXACT]
    shown = sum(c.value or 0 for c in table.cells if c.state is Shown.EXACT)
    ranges = []
    for i in hidden:
        if table.cells[i].state is Shown.PRIMARY:
            ranges.append(range(1, k))
        else:
            ranges.append(range(k, k + 60))
    found = set()
    for values in itertools.product(*ranges):
        total = shown + sum(values)
        t = table.total
        if t.state is Shown.EXACT and total != t.value:
            continue
        if t.state is Shown.PRIMARY and not 0 < total < k:
            continue
        found.add(values[hidden.index(index)])
    return found


@settings(max_examples=400, deadline=None)
@given(counts, thresholds)
def test_no_small_cell_can_be_narrowed_from_the_published_figures(values, k):
    table = suppress(values, k)
    for i, (value, cell) in enumerate(zip(values, table.cells, strict=True)):
        if 0 < value < k:
            assert cell.state is Shown.PRIMARY and cell.value is None
            assert feasible_range(table, i) == (1, k - 1)  # all of 1 .. k-1 stay possible
        elif cell.state is Shown.EXACT:
            assert cell.value == value
        else:  # hidden to protect another cell: its true value is among the possible ones
            low, high = feasible_range(table, i)
            assert low <= value <= high and high > low
    if table.total.state is Shown.EXACT:
        assert table.total.value == sum(values)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 30), min_size=1, max_size=4), st.integers(2, 6))
def test_an_exhaustive_search_recovers_no_small_cell(values, k):
    table = suppress(values, k)
    for i, cell in enumerate(table.cells):
        if cell.state is Shown.PRIMARY:
            assert values[i] in attack(table, i)
            assert attack(table, i) == set(range(1, k))


def test_a_lone_small_cell_takes_another_cell_with_it():
    table = suppress([12, 3, 40], 5)
    states = [c.state for c in table.cells]
    assert states == [Shown.SECONDARY, Shown.PRIMARY, Shown.EXACT]
    assert table.total.value == 55
    assert [c.text(5) for c in table.cells] == ["not shown", "fewer than 5", "40"]


def test_when_nothing_else_can_be_hidden_the_total_is():
    table = suppress([1, 1], 5)
    assert table.total.state is Shown.SECONDARY
    assert feasible_range(table, 0) == (1, 4)
    assert feasible_range(suppress([1, 1, 1, 1], 5), 0) == (1, 4)


def test_zero_and_large_counts_are_shown_exactly():
    table = suppress([0, 5, 17], 5)
    assert [c.value for c in table.cells] == [0, 5, 17] and table.total.value == 22
    assert feasible_range(table, 0) == (0, 0) and UNBOUNDED > 22
