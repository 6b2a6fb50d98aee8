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


# --- proofs on a cosigned checkpoint, signed time ---------------------------------------------


@pytest.fixture
def policy_file(witnesses, tmp_path: Path, monkeypatch):
    """The witnesses' policy as the data directory's policy, for ``case_proof_bundle``."""
    path = tmp_path / "ledger.policy"
    path.write_text(
        f"log {keys.vkey()}\n"
        + "".join(
            f"witness {w.name} {w.verifier.vkey} {w.url}\n" for w in witnesses.witnesses.values()
        )
        + "group both 2 ombudsman.example/w1 auditor.example/w2\nquorum both\n"
    )
    monkeypatch.setenv("DUEPROCESS_LEDGER_POLICY", str(path))
    return path


def test_a_proof_bundle_is_proved_on_a_checkpoint_both_witnesses_cosigned(world, policy_file):
    from dueprocess.cases.proofs import case_proof_bundle
    from dueprocess.ledger.bundle import check_bundle
    from dueprocess.tlog.policy import parse_policy

    case = world.case_at("triage")
    bundle = case_proof_bundle(actor=None, case=case)
    vkeys = [w.verifier.vkey for w in parse_policy(policy_file.read_bytes()).witnesses.values()]
    checked = check_bundle(bundle, keys.vkey(), vkeys, 2)
    assert checked.cosigners == {"ombudsman.example/w1", "auditor.example/w2"}
    assert set(checked.signed_at) == checked.cosigners and min(checked.signed_at.values()) > 0
    assert check_bundle(bundle, None, policy=parse_policy(policy_file.read_bytes())).entries
    assert checked.entries[-1].action == "case.proof_exported"
    # a bundle on a checkpoint no witness saw fails the quorum
    from dueprocess.ledger.proofs import build_bundle

    grow(1)
    unwitnessed = build_bundle(case, checkpoint_create())
    with pytest.raises(Exception, match="valid witness cosignatures, quorum is 2"):
        check_bundle(unwitnessed, keys.vkey(), vkeys, 2)
    with pytest.raises(Exception, match="its quorum 'both' is not met"):
        check_bundle(unwitnessed, None, policy=parse_policy(policy_file.read_bytes()))


def test_prove_reuses_the_newest_cosigned_checkpoint_that_covers_the_entries(witnesses):
    from dueprocess.ledger import store
    from dueprocess.ledger.checkpoints import witnessed_checkpoint

    grow(3)
    first = witnessed_checkpoint(store.size(), policy=witnesses)
    assert Cosignature.objects.filter(checkpoint=first).count() == 2
    assert witnessed_checkpoint(2, policy=witnesses).pk == first.pk  # no new checkpoint
    assert Checkpoint.objects.count() == 1


def test_prove_fails_clearly_when_the_witnesses_do_not_answer_in_time(witnesses, tmp_path):
    from dueprocess.ledger import store
    from dueprocess.ledger.checkpoints import WitnessesUnavailable, witnessed_checkpoint

    down = parse_policy(
        f"log {keys.vkey()}\nwitness w1 {witnesses.witnesses['ombudsman.example/w1'].verifier.vkey}"
        " http://127.0.0.1:9\nquorum w1\n"  # nothing listens on the discard port
    )
    grow(2)
    with pytest.raises(WitnessesUnavailable) as raised:
        witnessed_checkpoint(store.size(), policy=down, wait=0.5)
    message = str(raised.value)
    assert "did not cosign checkpoint" in message and "within 0.5 s" in message
    assert "w1: witness http://127.0.0.1:9 unreachable" in message


def test_verify_shows_each_witness_signed_time_and_a_changed_time_breaks_it(witnesses):
    import datetime as dt

    grow(4)
    latest = checkpoint_create()
    witnesses_submit(latest, witnesses)
    report = verify_ledger(witnesses)
    assert report.ok, report.failure
    for name, at in report.signed_at.items():
        shown = dt.datetime.fromtimestamp(at, tz=dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        assert any(f"{name} at {shown}" in line for line in report.checked)
    cosignature = Cosignature.objects.filter(checkpoint=latest).first()
    signature = note.parse_signature_line(cosignature.line)
    moved = (int.from_bytes(signature.signature[:8], "big") - 3600).to_bytes(8, "big")
    forged = note.Signature(signature.name, signature.key_id, moved + signature.signature[8:])
    with connection.cursor() as cursor:  # an insider, with the append-only triggers out of the way
        _drop_triggers(cursor, "ledger_cosignature")
        cursor.execute(
            "UPDATE ledger_cosignature SET line = %s WHERE id = %s", [forged.line, cosignature.pk]
        )
    report = verify_ledger(witnesses)
    assert not report.ok
    assert f"cosignature by {cosignature.witness} on checkpoint {latest.size} does not verify" in (
        report.failure
    )


def _drop_triggers(cursor, table: str) -> None:  # type: ignore[no-untyped-def]
    if connection.vendor == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                       [table])  # fmt: skip
        for (name,) in cursor.fetchall():
            cursor.execute(f"DROP TRIGGER {name}")
        return
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending events block the ALTER
    cursor.execute(
        "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal", [table]
    )
    for (name,) in cursor.fetchall():
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {name}")


def test_cosignatures_by_witnesses_the_policy_does_not_name_are_ignored_but_reported(witnesses):
    grow(3)
    witnesses_submit(checkpoint_create(), witnesses)
    downgraded = parse_policy(f"log {keys.vkey()}\nquorum none\n")
    report = verify_ledger(downgraded)
    assert report.ok, report.failure
    assert any("cosignatures by witnesses this policy does not name" in w for w in report.warnings)
    assert any("this ledger is not witnessed" in w for w in report.warnings)
