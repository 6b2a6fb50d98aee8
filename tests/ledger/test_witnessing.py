"""The log side of witnessing: checkpoints go to two witnesses on loopback, their cosignatures
are stored and counted against the policy's quorum, and a forked history is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from dueprocess.ledger import keys
from dueprocess.ledger.checkpoints import checkpoint_create, published_note, witnesses_submit
from dueprocess.ledger.models import Checkpoint, Cosignature, LedgerEntry
from dueprocess.ledger.record import record
from dueprocess.ledger.verify import verify_ledger
from dueprocess.tlog import merkle, note
from dueprocess.tlog.note import generate_cosigner_key
from dueprocess.tlog.policy import parse_policy
from dueprocess.tlog.witness import Witness, start_in_thread


@pytest.fixture
def witnesses(db, tmp_path: Path):
    servers, vkeys = [], []
    for name in ("ombudsman.example/w1", "auditor.example/w2"):
        skey, vkey = generate_cosigner_key(name)
        witness = Witness(skey, {keys.signer().name: keys.vkey()}, tmp_path / f"{name[:8]}.db")
        servers.append(start_in_thread(witness))
        vkeys.append((name, vkey))
    policy = parse_policy(
        f"log {keys.vkey()}\n"
        + "".join(f"witness {n} {v} {s.url}\n" for (n, v), s in zip(vkeys, servers, strict=True))
        + f"group both 2 {vkeys[0][0]} {vkeys[1][0]}\nquorum both\n"
    )
    yield policy
    for server in servers:
        server.close()


def grow(count: int) -> None:
    with transaction.atomic():
        for _ in range(count):
            record(actor=None, action="case_list.viewed")


def test_both_witnesses_cosign_and_the_quorum_is_met(witnesses):
    grow(5)
    report = witnesses_submit(checkpoint_create(), witnesses)
    assert [o.cosigned for o in report.outcomes] == [True, True]
    grow(3)
    latest = checkpoint_create()
    report = witnesses_submit(latest, witnesses)
    assert [o.message for o in report.outcomes] == ["cosigned", "cosigned"]
    assert Cosignature.objects.filter(checkpoint=latest).count() == 2
    assert published_note(latest).count("\n— ") == 3
    verified = verify_ledger(witnesses)
    assert verified.ok, verified.failure
    assert any("quorum 'both' met" in line for line in verified.checked)


def test_verify_fails_when_the_latest_checkpoint_lacks_the_quorum(witnesses):
    grow(2)
    checkpoint_create()  # signed but never sent to the witnesses
    report = verify_ledger(witnesses)
    assert not report.ok and "quorum 'both' is not met" in report.failure


def test_a_witness_refuses_a_forked_history_and_nothing_is_cosigned(witnesses):
    grow(6)
    witnesses_submit(checkpoint_create(), witnesses)
    with connection.cursor() as cursor:  # an insider rewrites entry 2 and its leaf hash
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER ledger_ledgerentry_no_update")
        else:
            cursor.execute(
                "ALTER TABLE ledger_ledgerentry DISABLE TRIGGER ledger_ledgerentry_no_change"
            )
        forged = b"forged entry"
        cursor.execute("UPDATE ledger_ledgerentry SET entry = %s, leaf_hash = %s WHERE seq = 2",
                       [forged, merkle.leaf_hash(forged)])  # fmt: skip
    grow(2)
    size = LedgerEntry.objects.count()
    hashes = [
        bytes(h) for h in LedgerEntry.objects.order_by("seq").values_list("leaf_hash", flat=True)
    ]

    body = note.format_checkpoint(
        settings.LEDGER_ORIGIN, size, merkle.root_from_leaf_hashes(hashes)
    )
    fork = Checkpoint.objects.create(size=size, root=merkle.root_from_leaf_hashes(hashes),
                                     note=note.sign_note(body, [keys.signer()]), compact_range=b"",
                                     created_at=Checkpoint.objects.first().created_at)  # fmt: skip
    report = witnesses_submit(fork, witnesses)
    assert [o.cosigned for o in report.outcomes] == [False, False]
    assert all("422" in o.message for o in report.outcomes)
    assert not Cosignature.objects.filter(checkpoint=fork).exists()


def test_the_public_checkpoint_carries_the_cosignatures_like_the_api(witnesses, client):
    grow(4)
    latest = checkpoint_create()
    assert [o.cosigned for o in witnesses_submit(latest, witnesses).outcomes] == [True, True]
    public = client.get("/ledger/checkpoint").content.decode()
    assert (
        public == published_note(latest) == client.get("/api/v1/ledger/checkpoint").content.decode()
    )
    assert public.count("\n— ") == 3  # the log's signature and both witnesses'
    _, verified = note.open_note(public, [v.verifier for v in witnesses.witnesses.values()])
    assert {v.name for v in verified} == {"ombudsman.example/w1", "auditor.example/w2"}
