"""Reconcile the business tables with the ledger (``verify --state``).

Three questions, each answered for every row of every committed model (``ledger.state``):

1. Do the stored row commitments belong to their entries? The commitments stored for an entry
   must hash to the ``state`` line inside that entry's signed bytes — so they cannot be edited,
   added or removed without breaking an entry, and the entries are held by the tree and the
   checkpoints.
2. Does each row say what the ledger last recorded of it? A row whose canonical form differs
   from its latest commitment was changed behind the services' back (an edited sanction); a row
   no entry ever committed to was slipped in; a row the ledger recorded and no entry deleted is
   gone.
3. Are the append-only triggers in place? A dropped trigger is reported beside whatever it let
   through, never instead of it.

Every finding names the case reference (where the row has one), the table and the row.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import connection, models

from dueprocess.ledger import keys, state
from dueprocess.ledger.entries import NO_STATE
from dueprocess.ledger.scan import stream
from dueprocess.lib.append_only import missing_triggers

#: Each entry's ``state`` line (the 64 characters before the payload line), for the entries
#: that committed to at least one row.
_ENTRY_STATES = {
    "sqlite": "SELECT seq, case_tag, substr(entry, -138, 64) FROM ledger_ledgerentry"
    " WHERE substr(entry, -138, 64) <> CAST(%s AS BLOB) ORDER BY seq",
    "postgresql": "SELECT seq, case_tag, substring(entry from octet_length(entry) - 137 for 64)"
    " FROM ledger_ledgerentry"
    " WHERE substring(entry from octet_length(entry) - 137 for 64) <> %s ORDER BY seq",
}
_ROW_STATES = "SELECT seq, table_name, row_key, digest FROM ledger_ledgerrowstate ORDER BY seq"


#: At most this many findings are kept with their message; the rest are counted.
KEPT = 1000


class _Findings(list[str]):
    """A list that keeps the first ``KEPT`` messages and counts every one."""

    total = 0

    def append(self, message: str) -> None:
        self.total += 1
        if len(self) < KEPT:
            super().append(message)


@dataclass
class Reconciliation:
    rows: int = 0
    commitments: int = 0
    problems: _Findings = field(default_factory=_Findings)
    triggers_missing: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.triggers_missing

    def describe(self, shown: int = 50) -> str:
        lines = self.problems[:shown]
        total = self.problems.total
        if total > shown:
            lines.append(f"... and {total - shown} more")
        text = ""
        if total:
            noun = "row disagrees" if total == 1 else "rows disagree"
            text = f"{total} case {noun} with the ledger:\n  " + "\n  ".join(lines)
        if self.triggers_missing:
            text += ("\n" if text else "") + (
                "append-only triggers missing or disabled (someone with the database owner's"
                " rights removed them): " + ", ".join(self.triggers_missing)
            )
        return text


def reconcile() -> Reconciliation:
    result = Reconciliation()
    models_by_table = {model._meta.db_table: model for model in state.committed_models()}
    case_tags = _check_entry_states(result)
    for table, model in sorted(models_by_table.items()):
        _check_table(result, table, model, case_tags)
    result.triggers_missing = missing_triggers(connection)
    return result


def _entry_states() -> Iterator[tuple[int, str, str]]:
    for rows in stream(
        _ENTRY_STATES[connection.vendor], [NO_STATE.encode("ascii")], name="dueprocess_states"
    ):
        for seq, case_tag, said in rows:
            yield int(seq), case_tag, bytes(said).decode("ascii", "replace")


def _row_states() -> Iterator[tuple[int, list[state.RowState]]]:
    def rows() -> Iterator[tuple[Any, ...]]:
        for chunk in stream(_ROW_STATES, name="dueprocess_row_states"):
            yield from chunk

    for seq, group in itertools.groupby(rows(), key=lambda row: int(row[0])):
        yield seq, [state.RowState(table=t, row=r, digest=d) for _, t, r, d in group]


def _check_entry_states(result: Reconciliation) -> dict[int, str]:
    """Merge the entries that commit to rows with the stored commitments, both in seq order;
    returns each committing entry's case tag (to name the case of a row that is gone)."""
    case_tags: dict[int, str] = {}
    entries = _entry_states()
    pending = next(entries, None)
    for seq, rows in _row_states():
        while pending is not None and pending[0] < seq:
            result.problems.append(
                f"seq {pending[0]}: the entry commits to case rows, but their commitments"
                " are not stored"
            )
            pending = next(entries, None)
        if pending is None or pending[0] != seq:
            result.problems.append(
                f"seq {seq}: {len(rows)} row commitment(s) stored for an entry that commits to none"
            )
            continue
        _, case_tag, said = pending
        pending = next(entries, None)
        case_tags[seq] = case_tag
        result.commitments += len(rows)
        if state.state_hash(rows) != said:
            result.problems.append(
                f"seq {seq}: the row commitments stored for this entry do not match the"
                " state it signed"
            )
    while pending is not None:
        result.problems.append(
            f"seq {pending[0]}: the entry commits to case rows, but their commitments are"
            " not stored"
        )
        pending = next(entries, None)
    return case_tags


def _latest_commitments(table: str) -> dict[str, tuple[int, str]]:
    latest: dict[str, tuple[int, str]] = {}
    for rows in stream(
        "SELECT seq, row_key, digest FROM ledger_ledgerrowstate WHERE table_name = %s ORDER BY seq",
        [table],
        name="dueprocess_table_states",
    ):
        for seq, row_key, digest in rows:
            latest[row_key] = (int(seq), digest)
    return latest


def _check_table(
    result: Reconciliation, table: str, model: type[models.Model], case_tags: dict[int, str]
) -> None:
    latest = _latest_commitments(table)
    for pk, fields in state.canonical_rows(model):
        result.rows += 1
        committed = latest.pop(str(pk), None)
        if committed is None:
            result.problems.append(f"{_where(model, fields)}: {table} row {pk} has no ledger entry")
        elif committed[1] == state.DELETED:
            result.problems.append(
                f"{_where(model, fields)}: {table} row {pk} was deleted at seq {committed[0]}"
                " and is back"
            )
        elif state.row_digest(table, pk, fields) != committed[1]:
            result.problems.append(
                f"{_where(model, fields)}: {table} row {pk} differs from what the ledger"
                f" recorded at seq {committed[0]}"
            )
    for row_key, (seq, digest) in sorted(latest.items(), key=lambda item: item[1][0]):
        if digest == state.DELETED:
            continue
        result.problems.append(
            f"{_case_of_tag(case_tags.get(seq, ''))}: {table} row {row_key}, recorded at seq"
            f" {seq}, is gone"
        )


def _where(model: type[models.Model], fields: dict[str, Any]) -> str:
    """``case REF`` for a row of (or about) a case."""
    case_model = apps.get_model("cases", "Case")
    if model is case_model:
        return f"case {fields.get('reference')}"
    case_id = fields.get("case_id")
    if case_id is None:
        return "no case"
    reference = case_model._base_manager.filter(pk=case_id).values_list("reference", flat=True)
    return f"case {reference.first() or f'#{case_id} (gone)'}"


def _case_of_tag(case_tag: str) -> str:
    """The reference of the case whose pseudonym is ``case_tag`` (one HMAC per case, only for
    rows that are gone)."""
    if not case_tag:
        return "no case"
    case_model = apps.get_model("cases", "Case")
    for pk, reference in case_model._base_manager.values_list("pk", "reference").iterator():
        if keys.pseudonym("case", pk) == case_tag:
            return f"case {reference}"
    return "a case that is gone"
