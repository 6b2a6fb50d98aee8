"""Append-only triggers for SQLite and PostgreSQL, applied by migrations.

Triggers are defence in depth: anyone with the database owner's rights can drop them, which is
why ``verify`` never relies on them — the signed checkpoints and witnesses are the guarantee.
PostgreSQL triggers are ``ENABLE ALWAYS`` so that ``session_replication_role = replica`` does
not silently skip them.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

#: Every table the migrations make append-only; ``verify`` reports any of their triggers that
#: is missing or disabled (a test checks this list against a freshly migrated database).
APPEND_ONLY_TABLES = (
    "ledger_ledgerentry",
    "ledger_checkpoint",
    "ledger_cosignature",
    "ledger_ledgerrowstate",
    "ledger_ledgerpayload",
    "ledger_ledgertile",
    "cases_statuschange",
    "cases_recommendation",
    "cases_decision",
    "cases_decisionannouncement",
    "cases_note",
    "cases_evidenceitem",
    "cases_approach",
    "cases_decisionsummary",
    "cases_summaryreview",
    "cases_hearing",
    "cases_hearingpanelist",
    "cases_adjournment",
    "cases_hearingrecord",
    "cases_panelconstitution",
    "cases_panelseatholder",
    "cases_panelvote",
    "cases_appeal",
    "cases_appealoutcome",
    "cases_review",
    "cases_reviewer",
    "cases_reviewoutcome",
    "oversight_reportpublication",
    "evidence_evidencefile",
    "evidence_interview",
    "evidence_consent",
    "evidence_recordedperson",
    "parties_redaction",
    "parties_redactionwithdrawal",
    "parties_evidencewithholding",
    "parties_evidencerelease",
    "parties_partyfile",
)


def trigger_names(table: str, vendor: str) -> tuple[str, ...]:
    """The names of the triggers that keep ``table`` append-only on ``vendor``."""
    if vendor == "sqlite":
        return (f"{table}_no_update", f"{table}_no_delete")
    return (f"{table}_no_change", f"{table}_no_truncate")


def missing_triggers(connection: Any) -> list[str]:
    """The append-only triggers that are missing (or, on PostgreSQL, not enabled ALWAYS)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled = 'A'"
            )
        present = {name for (name,) in cursor.fetchall()}
    return [
        name
        for table in APPEND_ONLY_TABLES
        for name in trigger_names(table, connection.vendor)
        if name not in present
    ]


def _sqlite(table: str, dense_seq: bool) -> list[str]:
    no_update, no_delete = trigger_names(table, "sqlite")
    statements = [
        f"CREATE TRIGGER IF NOT EXISTS {no_update} BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: UPDATE rejected'); END",
        f"CREATE TRIGGER IF NOT EXISTS {no_delete} BEFORE DELETE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: DELETE rejected'); END",
    ]
    if dense_seq:
        statements.append(
            f"CREATE TRIGGER IF NOT EXISTS {table}_dense BEFORE INSERT ON {table} "  # noqa: S608 (table names come from our migrations)
            f"WHEN NEW.seq <> (SELECT COALESCE(MAX(seq) + 1, 0) FROM {table}) "
            f"BEGIN SELECT RAISE(ABORT, '{table}: non-dense seq rejected'); END"
        )
    return statements


def _postgres(table: str, dense_seq: bool) -> list[str]:
    no_change, no_truncate = trigger_names(table, "postgresql")
    statements = [
        "CREATE OR REPLACE FUNCTION dueprocess_append_only() RETURNS trigger LANGUAGE plpgsql AS $$"
        " BEGIN RAISE EXCEPTION '% is append-only: % rejected', TG_TABLE_NAME, TG_OP; END $$",
        f"CREATE TRIGGER {no_change} BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION dueprocess_append_only()",
        f"CREATE TRIGGER {no_truncate} BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION dueprocess_append_only()",
        f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {no_change}",
        f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {no_truncate}",
    ]
    if dense_seq:
        statements += [
            "CREATE OR REPLACE FUNCTION dueprocess_dense_seq() RETURNS trigger"
            " LANGUAGE plpgsql AS $$ DECLARE expected bigint; BEGIN"
            " EXECUTE format('SELECT COALESCE(MAX(seq) + 1, 0) FROM %I', TG_TABLE_NAME)"
            " INTO expected;"
            " IF NEW.seq <> expected THEN RAISE EXCEPTION"
            " '%: non-dense seq % rejected (expected %)', TG_TABLE_NAME, NEW.seq, expected;"
            " END IF; RETURN NEW; END $$",
            f"CREATE TRIGGER {table}_dense BEFORE INSERT ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION dueprocess_dense_seq()",
            f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {table}_dense",
        ]
    return statements


def append_only(table: str, *, dense_seq: bool = False) -> migrations.RunPython:
    """A migration operation that makes ``table`` append-only on either database."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        vendor = schema_editor.connection.vendor
        if vendor == "sqlite":
            statements = _sqlite(table, dense_seq)
        elif vendor == "postgresql":
            statements = _postgres(table, dense_seq)
        else:
            raise RuntimeError(f"append-only triggers are not implemented for {vendor}")
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)


def append_only_after_rebuild(table: str, *, dense_seq: bool = False) -> migrations.RunPython:
    """Make ``table`` append-only again after a migration changed its columns: SQLite rebuilds
    the table for that and drops its triggers, PostgreSQL alters it in place and keeps them."""
    made = append_only(table, dense_seq=dense_seq)

    def forwards(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "sqlite":
            made.code(apps, schema_editor)

    return migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)
