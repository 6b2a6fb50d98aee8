"""Ledger storage: dense seq from the head row, append-only tables, rollbacks leave no gap."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction

from dueprocess.ledger import store
from dueprocess.ledger.models import Checkpoint, LedgerEntry, LedgerPayload, SubjectKey
from dueprocess.ledger.record import record


def append() -> store.Appended:
    appended = record(actor=None, action="case_list.viewed", details={"n": 1})
    assert appended is not None
    return appended


def test_seq_is_dense_from_zero_and_matches_the_head(db):
    with transaction.atomic():
        first, second = append(), append()
    assert second.seq == first.seq + 1
    assert store.size() == LedgerEntry.objects.count() == second.seq + 1
    assert list(LedgerEntry.objects.order_by("seq").values_list("seq", flat=True)) == list(
        range(store.size())
    )


def test_a_rolled_back_transaction_releases_its_seq(db):
    with transaction.atomic():
        before = append().seq
    with transaction.atomic():
        append()
        transaction.set_rollback(True)
    with transaction.atomic():
        after = append().seq
    assert after == before + 1


def test_appending_outside_a_transaction_is_refused(db):
    # The suite runs inside a transaction, so pretend for a moment that there is none.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(connection, "in_atomic_block", False)
        with pytest.raises(store.LedgerNotInTransaction):
            record(actor=None, action="case_list.viewed")


def test_an_action_must_be_dotted(db):
    """Below the catalogue (which ``record`` checks), the entry format itself refuses it."""
    from dueprocess.ledger.entries import EntryFormatError
    from dueprocess.lib import clock

    with pytest.raises(EntryFormatError), transaction.atomic():
        store.append(
            actor="system",
            role="",
            action="Not An Action",
            case="",
            request="",
            payload={},
            subject="actor:system",
            at=clock.now(),
        )


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE ledger_ledgerentry SET action = 'case.forged'",
        "DELETE FROM ledger_ledgerentry",
        "UPDATE ledger_checkpoint SET size = size + 1",
        "DELETE FROM ledger_checkpoint",
    ],
)
def test_the_database_refuses_to_change_entries_or_checkpoints(db, statement):
    with transaction.atomic():
        append()
    Checkpoint.objects.create(size=1, root=b"\0" * 32, note="x", compact_range=b"",
                              created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))  # fmt: skip
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)


def test_the_database_refuses_a_gap_in_seq(db):
    with transaction.atomic():
        last = append()
    with pytest.raises(DatabaseError, match="non-dense"), transaction.atomic():
        LedgerEntry.objects.create(seq=last.seq + 5, entry=b"x", leaf_hash=b"\0" * 32, action="x.y",
                                   recorded_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))  # fmt: skip


def test_truncate_is_refused_on_postgresql(db):
    if connection.vendor != "postgresql":
        assert connection.vendor == "sqlite"  # SQLite has no TRUNCATE; DELETE is covered above
        return
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("TRUNCATE ledger_ledgerentry CASCADE")


def test_replica_mode_does_not_bypass_the_triggers_on_postgresql(db):
    if connection.vendor != "postgresql":
        assert connection.vendor == "sqlite"
        return
    with transaction.atomic():
        append()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("DELETE FROM ledger_ledgerentry")


def test_payloads_are_append_only_and_erasure_destroys_the_key_instead(db):
    with transaction.atomic():
        appended = append()
    for change in (
        lambda rows: rows.delete(),
        lambda rows: rows.update(ciphertext=b"forged"),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            change(LedgerPayload.objects.filter(seq=appended.seq))
    subject = LedgerPayload.objects.get(seq=appended.seq).subject
    SubjectKey.objects.filter(subject=subject).delete()
    assert LedgerEntry.objects.filter(seq=appended.seq).exists()
    assert LedgerPayload.objects.filter(seq=appended.seq).exists()
