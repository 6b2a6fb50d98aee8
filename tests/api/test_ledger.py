"""The ledger through the API: the public checkpoint, and a case's proof bundle that checks
without the database."""

from __future__ import annotations

from dueprocess.ledger import keys
from dueprocess.ledger.bundle import check_bundle
from dueprocess.ledger.checkpoints import checkpoint_create
from dueprocess.ledger.models import LedgerEntry
from dueprocess.ledger.record import case_pseudonym
from tests.api.client import problem_code


def test_the_checkpoint_is_public_and_plain_text(api, world):
    missing = api.get("/ledger/checkpoint")
    assert missing.status_code == 404 and problem_code(missing) == "not-found"
    checkpoint = checkpoint_create()
    assert checkpoint is not None
    response = api.get("/ledger/checkpoint")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == checkpoint.note
    assert f"\n{checkpoint.size}\n" in response.content.decode()


def test_a_proof_bundle_covers_every_entry_of_the_case_and_verifies_offline(api, world):
    case = world.case_at("triage")
    api.get(f"/cases/{case.reference}", "case_manager")
    response = api.get(f"/cases/{case.reference}/proof", "reviewer")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    checked = check_bundle(response.content, keys.vkey())
    on_case = LedgerEntry.objects.filter(case_tag=case_pseudonym(case.pk)).count()
    assert checked.reference == case.reference
    assert len(checked.entries) == on_case
    assert {e.action for e in checked.entries} >= {
        "case.opened",
        "case.viewed",
        "case.proof_exported",
    }


def test_a_proof_bundle_needs_the_ledger_scope(api, world):
    case = world.case_at("received")
    response = api.get(f"/cases/{case.reference}/proof", "reviewer", scopes=("cases:read",))
    assert response.status_code == 403
    assert not LedgerEntry.objects.filter(action="case.proof_exported").exists()


def test_a_proof_over_an_invalid_entry_is_refused_with_503_and_nothing_is_signed(api, world):
    import datetime as dt

    from django.db import connection

    from dueprocess.ledger.models import Checkpoint

    case = world.case_at("triage")
    last = LedgerEntry.objects.order_by("-seq").first()
    with connection.cursor() as cursor:  # an insider's plain INSERT, with the head moved on
        LedgerEntry.objects.create(
            seq=last.seq + 1,
            entry=b"not an entry: ann@example.org",
            leaf_hash=b"\0" * 32,
            action="case.viewed",
            recorded_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        )
        cursor.execute("UPDATE ledger_ledgerhead SET size = size + 1 WHERE id = 1")
    signed_before = Checkpoint.objects.count()
    response = api.get(f"/cases/{case.reference}/proof", "reviewer")
    assert response.status_code == 503, response.content
    assert problem_code(response) == "ledger-unsound"
    assert f"seq {last.seq + 1}" in response.json()["detail"]
    assert Checkpoint.objects.count() == signed_before


def test_a_proof_the_witnesses_do_not_cosign_is_refused_with_503(
    api, world, tmp_path, settings, monkeypatch
):
    from dueprocess.tlog.note import generate_cosigner_key

    _, witness = generate_cosigner_key("ombudsman.example/w1")
    policy = tmp_path / "ledger.policy"
    policy.write_text(f"log {keys.vkey()}\nwitness w1 {witness} http://127.0.0.1:9\nquorum w1\n")
    monkeypatch.setenv("DUEPROCESS_LEDGER_POLICY", str(policy))
    settings.LEDGER_WITNESS_WAIT = 0.3
    case = world.case_at("triage")
    response = api.get(f"/cases/{case.reference}/proof", "reviewer")
    assert response.status_code == 503, response.content
    assert problem_code(response) == "ledger-unwitnessed"
    assert "did not cosign checkpoint" in response.json()["detail"]
    assert "w1: witness http://127.0.0.1:9 unreachable" in response.json()["detail"]
