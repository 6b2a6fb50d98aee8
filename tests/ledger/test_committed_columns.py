"""A column added to a committed table must not make every row committed before it look
tampered with: ``ledger.state.ADDED_LATER`` names each such column with the value the existing
rows were given, and a row still holding it hashes as it did before the column existed."""

from __future__ import annotations

from pathlib import Path

import pytest

from dueprocess.ledger import state

LISTED = Path(__file__).with_name("committed_columns.txt")


def _columns() -> set[str]:
    found = set()
    for model in state.committed_models():
        table = model._meta.db_table
        found |= {f"{table}.{field.attname}" for field in model._meta.concrete_fields}
        found |= {f"{table}.{field.name}" for field in model._meta.many_to_many}
    return found


def test_every_committed_column_is_listed_so_a_new_one_is_a_decision():
    listed = {line for line in LISTED.read_text().splitlines() if line and not line.startswith("#")}
    assert _columns() - listed == set(), (
        "new columns on committed tables: add each to ledger.state.ADDED_LATER with the value"
        " existing rows get (unless its table is new in this change), then to "
        f"{LISTED.name}"
    )
    assert listed - _columns() == set(), f"columns gone: take them out of {LISTED.name}"


def test_each_added_column_names_the_value_its_migration_gives_existing_rows():
    models = {model._meta.db_table: model for model in state.committed_models()}
    for table, columns in state.ADDED_LATER.items():
        fields = {field.attname: field for field in models[table]._meta.concrete_fields}
        for column, value in columns.items():
            default = fields[column].get_default()
            # as the database hands it back (a choice's enum is its plain value)
            assert value == default and isinstance(default, type(value)), (table, column, default)


def _other_than(default: object) -> object:
    """A value a row written after the column existed might hold instead of the default."""
    if default is None or default == "":
        return 1
    if isinstance(default, str):
        return f"{default}, changed"
    if isinstance(default, list):
        return [*default, "changed"]
    return default + 1  # type: ignore[operator]


@pytest.mark.parametrize(
    ("table", "column"), [(t, c) for t, cs in state.ADDED_LATER.items() for c in cs]
)
def test_a_row_from_before_the_column_hashes_the_same_after_the_upgrade(table, column):
    before = {"id": 7, "note": "written before the column existed"}
    default = state.ADDED_LATER[table][column]
    after = before | {column: default}
    assert state.row_digest(table, 7, after) == state.row_digest(table, 7, before)
    changed = after | {column: _other_than(default)}
    assert state.row_digest(table, 7, changed) != state.row_digest(table, 7, before)


def test_a_column_not_added_later_is_always_hashed():
    fields = {"id": 7, "ended_at": None}
    assert state.row_digest("cases_assignment", 7, fields) != state.row_digest(
        "cases_assignment", 7, {"id": 7}
    )
