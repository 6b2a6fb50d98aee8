"""The case data is bound to the ledger: every write is committed, every edit is found.

Each attack here is an insider with write access to the database (triggers dropped first, as the
owner of the tables could), run inside the test's transaction; ``verify_state`` must name the
case, the table and the row.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection, transaction

from dueprocess.cases.models import Allegation, Decision, Note, Party
from dueprocess.cases.queries import case_detail_for
from dueprocess.ledger import state
from dueprocess.ledger.entries import NO_STATE, parse_entry
from dueprocess.ledger.models import LedgerEntry, LedgerRowState
from dueprocess.ledger.verify import verify_state
from dueprocess.lib.append_only import APPEND_ONLY_TABLES, missing_triggers
from tests.triggers import drop_append_only


def _sql(statement: str, *params: object) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _failure() -> str:
    report = verify_state()
    assert not report.ok, "verify --state passed on tampered data"
    return report.failure


def test_every_model_is_either_committed_or_says_why_not():
    labels = {model._meta.label_lower for model in apps.get_models()}
    ours = {label for label in labels if apps.get_model(label).__module__.startswith("dueprocess")}
    assert state.COMMITTED & set(state.NOT_COMMITTED) == set()
    assert state.COMMITTED | set(state.NOT_COMMITTED) <= labels, "a label names no model"
    unclassified = ours - state.COMMITTED - set(state.NOT_COMMITTED)
    assert unclassified == set(), (
        f"models written with no decision about commitment: {unclassified}"
    )


def test_a_freshly_migrated_database_has_every_append_only_trigger(db):
    assert missing_triggers(connection) == []
    drop_append_only("cases_note")
    missing = missing_triggers(connection)
    assert missing and all(name.startswith("cases_note_") for name in missing)
    assert "cases_note" in APPEND_ONLY_TABLES


def test_a_case_built_through_the_services_reconciles(world):
    case = world.case_at("decided")
    report = verify_state()
    assert report.ok, report.failure
    decision = Decision.objects.get(case=case)
    committed = LedgerRowState.objects.filter(table_name="cases_decision", row_key=str(decision.pk))
    assert committed.count() == 1
    entry = parse_entry(bytes(LedgerEntry.objects.get(seq=committed.get().seq).entry))
    assert entry.action == "decision.recorded" and entry.state != NO_STATE
    assert "cases_decision" in {r.table_name for r in LedgerRowState.objects.filter(seq=entry.seq)}


def test_an_entry_that_wrote_nothing_carries_the_hash_of_nothing(world):
    case = world.case_at("triage")
    case_detail_for(world.case_manager, case.reference)
    viewed = LedgerEntry.objects.filter(action="case.viewed").order_by("-seq").first()
    assert viewed is not None
    assert parse_entry(bytes(viewed.entry)).state == NO_STATE
    assert not LedgerRowState.objects.filter(seq=viewed.seq).exists()


def test_a_lowered_sanction_is_found_and_named(world):
    case = world.case_at("decided")
    decision = Decision.objects.get(case=case)
    drop_append_only("cases_decision")
    _sql("UPDATE cases_decision SET sanctions = %s WHERE id = %s", '["reminder_of_conduct"]',
         decision.pk)  # fmt: skip
    failure = _failure()
    assert f"case {case.reference}: cases_decision row {decision.pk} differs" in failure
    assert "append-only triggers missing" in failure  # reported beside, never instead


def test_a_changed_panel_is_found(world):
    case = world.case_at("decided")
    decision = Decision.objects.get(case=case)
    through = Decision.panel.through._meta.db_table
    _sql(f"DELETE FROM {through} WHERE decision_id = %s", decision.pk)
    assert f"cases_decision row {decision.pk} differs" in _failure()


def test_a_row_slipped_in_has_no_entry(world):
    case = world.case_at("investigation")
    _sql(
        "INSERT INTO cases_note (case_id, author_id, body, created_at) VALUES (%s, %s, %s, %s)",
        case.pk,
        world.case_manager.pk,
        "Backdated note",
        "2026-01-01 00:00:00",
    )
    note = Note.objects.get(body="Backdated note")
    assert f"case {case.reference}: cases_note row {note.pk} has no ledger entry" in _failure()


def test_a_deleted_row_is_gone_and_named_by_its_case(world):
    case = world.case_at("triage")
    respondent = Party.objects.filter(case=case).order_by("-pk").first()
    assert respondent is not None
    _sql("DELETE FROM cases_party WHERE id = %s", respondent.pk)
    failure = _failure()
    assert f"case {case.reference}: cases_party row {respondent.pk}, recorded at seq" in failure
    assert "is gone" in failure


def test_editing_a_row_and_its_commitment_breaks_the_signed_state(world):
    case = world.case_at("decided")
    decision = Decision.objects.get(case=case)
    drop_append_only("cases_decision")
    drop_append_only("ledger_ledgerrowstate")
    _sql("UPDATE cases_decision SET sanctions = %s WHERE id = %s", '["reminder_of_conduct"]',
         decision.pk)  # fmt: skip
    fields = dict(state.canonical_rows(Decision, [decision.pk]))[decision.pk]
    forged = state.row_digest("cases_decision", decision.pk, fields)
    committed = LedgerRowState.objects.get(table_name="cases_decision", row_key=str(decision.pk))
    _sql("UPDATE ledger_ledgerrowstate SET digest = %s WHERE id = %s", forged, committed.pk)
    failure = _failure()
    assert f"seq {committed.seq}: the row commitments stored for this entry do not match" in failure
    assert "differs" not in failure  # the row now matches the forged commitment: the state does not


def test_deleting_the_commitments_of_an_entry_is_found(world):
    case = world.case_at("triage")
    opened = LedgerEntry.objects.filter(action="case.opened").order_by("-seq").first()
    assert opened is not None
    drop_append_only("ledger_ledgerrowstate")
    _sql("DELETE FROM ledger_ledgerrowstate WHERE seq = %s", opened.seq)
    failure = _failure()
    assert f"seq {opened.seq}: the entry commits to case rows, but their commitments" in failure
    allegation = Allegation.objects.get(case=case)  # written only when the case was opened
    assert f"case {case.reference}: cases_allegation row {allegation.pk} has no ledger entry" in (
        failure
    )


def test_a_rolled_back_savepoint_commits_nothing_of_what_it_wrote(world):
    case = world.case_at("investigation")
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            Note.objects.create(case=case, author=world.case_manager, body="x",
                                created_at=case.received_at)  # fmt: skip
            assert "cases.note" in state.noted_rows()
            raise RuntimeError("rolled back")
        assert state.noted_rows() == {}


def test_a_write_outside_any_service_is_noted_until_an_entry_commits_it(world):
    case = world.case_at("investigation")
    with transaction.atomic():
        case.summary = "Changed behind the services' back"
        case.save(update_fields=["summary"])
        assert state.noted_rows() == {"cases.case": {case.pk}}
    assert f"case {case.reference}: cases_case row {case.pk} differs" in _failure()
