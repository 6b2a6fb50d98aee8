"""Tampering with the case tables and the payloads on a real database, found by ``verify``.

The threat model's rows for an insider with database write access (docs/ledger.md, "Threat
model"): each attack is run on a copy of the scratch demo, on SQLite or PostgreSQL, and
``dueprocess verify`` — as a user runs it — must exit 1 with the message a user sees.
"""

from __future__ import annotations

import hashlib
import json

import pytest

from tests.ledger import test_tamper
from tests.ledger.test_tamper import Insider, copy_of, verify_fails
from tests.scratch import run

pytestmark = pytest.mark.slow
base = test_tamper.base  # the scratch demo with a cosigned checkpoint, built once per module


def _harshest_decision(db: Insider) -> tuple[int, str, list[str]]:
    rows = db.sql(
        "SELECT d.id, c.reference, d.sanctions FROM cases_decision d"
        " JOIN cases_case c ON c.id = d.case_id WHERE d.sanctions <> '[]' ORDER BY d.id"
    )
    assert rows, "the demo has decisions with sanctions"
    decision, reference, sanctions = rows[0]
    loaded = sanctions if isinstance(sanctions, list) else json.loads(sanctions)  # PG: jsonb
    return int(decision), reference, loaded


def test_a_lowered_sanction_is_found_with_its_case_table_and_row(base, tmp_path):
    with copy_of(base, tmp_path) as env:
        db = Insider(env)  # drops the append-only triggers first, as the tables' owner could
        decision, reference, sanctions = _harshest_decision(db)
        db.sql(
            "UPDATE cases_decision SET sanctions = %s WHERE id = %s",
            json.dumps(["reminder_of_conduct"]) if sanctions != ["reminder_of_conduct"] else "[]",
            decision,
        )
        db.close()
        expected = f"case {reference}: cases_decision row {decision} differs from what the ledger"
        verify_fails(env, expected)
        verify_fails(env, "append-only triggers missing or disabled")
        verify_fails(env, expected, "--state")  # the reconciliation alone finds it too


def test_an_unchanged_copy_reconciles(base, tmp_path):
    with copy_of(base, tmp_path) as env:
        result = run(env, "verify", "--state")
        assert result.returncode == 0, result.stderr
        assert "case data:" in result.stdout and "append-only triggers in place" in result.stdout


def test_a_business_row_edited_with_the_triggers_in_place_is_found_too(base, tmp_path):
    with copy_of(base, tmp_path) as env:
        db = Insider(env, keep_triggers=True)  # parties have no trigger: they may be corrected
        party, reference = db.sql(
            "SELECT p.id, c.reference FROM cases_party p JOIN cases_case c ON c.id = p.case_id"
            " ORDER BY p.id LIMIT 1"
        )[0]
        db.sql("UPDATE cases_party SET name = %s WHERE id = %s", "Someone Else", party)
        db.close()
        verify_fails(env, f"case {reference}: cases_party row {party} differs")


def test_a_deleted_payload_is_reported_as_missing_not_as_erased(base, tmp_path):
    with copy_of(base, tmp_path) as env:
        db = Insider(env)
        seq = int(db.sql("SELECT MAX(seq) FROM ledger_ledgerpayload")[0][0]) - 3
        db.sql("DELETE FROM ledger_ledgerpayload WHERE seq = %s", seq)
        db.close()
        verify_fails(env, f"seq {seq}: the sealed payload is missing")


def test_the_payload_table_refuses_deletes_while_its_triggers_are_in_place(base, tmp_path):
    with copy_of(base, tmp_path) as env:
        db = Insider(env, keep_triggers=True)
        with pytest.raises(Exception, match="append-only"):
            db.sql("DELETE FROM ledger_ledgerpayload WHERE seq = 1")
        db.close()


def test_a_forged_well_formed_entry_without_its_payload_is_found(base, tmp_path):
    with copy_of(base, tmp_path) as env:
        db = Insider(env)
        seq = db.size()
        last = db.entry(seq - 1)
        forged = last.replace(f"seq {seq - 1}\n".encode(), f"seq {seq}\n".encode())
        row = db.sql(
            "SELECT case_tag, action, recorded_at FROM ledger_ledgerentry WHERE seq = %s", seq - 1
        )[0]
        db.sql(
            "INSERT INTO ledger_ledgerentry (seq, entry, leaf_hash, case_tag, action, recorded_at)"
            " VALUES (%s, %s, %s, %s, %s, %s)",
            seq,
            forged,
            hashlib.sha256(b"\0" + forged).digest(),
            *row,
        )
        db.sql("UPDATE ledger_ledgerhead SET size = size + 1 WHERE id = 1")
        db.close()
        verify_fails(env, f"seq {seq}: the sealed payload is missing")
