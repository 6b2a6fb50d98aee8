"""Invalid entries are found by ``verify`` and never signed; the public checkpoint is cosigned.

Same scratch demo, copies and insider as ``test_tamper.py``; each test runs on SQLite and, with
``DUEPROCESS_TEST_BACKEND=postgres``, on PostgreSQL.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from dueprocess.tlog import note
from tests.ledger import test_tamper
from tests.ledger.test_tamper import Insider, copy_of, verify_fails
from tests.scratch import backend, run, scratch_env

pytestmark = pytest.mark.slow
base = test_tamper.base  # the scratch demo with a cosigned checkpoint, built once per module


def _insert_malformed(env: dict[str, str]) -> int:
    """A plain INSERT (allowed with the triggers in place) of an entry without the v1 layout,
    carrying personal data in clear, with a correct leaf hash and the head moved on."""
    db = Insider(env, keep_triggers=True)
    seq = db.size()
    case_tag = db.sql("SELECT case_tag FROM ledger_ledgerentry WHERE case_tag <> '' LIMIT 1")[0][0]
    raw = b"complaint by jane.doe@example.org: he shouted at me in the office\n"
    db.sql(
        "INSERT INTO ledger_ledgerentry (seq, entry, leaf_hash, case_tag, action, recorded_at)"
        " VALUES (%s, %s, %s, %s, %s, %s)",
        seq,
        raw,
        hashlib.sha256(b"\0" + raw).digest(),
        case_tag,
        "case.viewed",
        "2026-11-30 10:00:00" if backend() != "postgres" else "2026-11-30 10:00:00+00",
    )
    db.sql("UPDATE ledger_ledgerhead SET size = size + 1 WHERE id = 1")
    db.close()
    return seq


def test_a_malformed_entry_inserted_with_the_triggers_in_place_fails_verify(base, tmp_path):
    with copy_of(base, tmp_path) as env:
        seq = _insert_malformed(env)
        verify_fails(env, f"seq {seq}: not a valid dueprocess/entry/v2 entry")


def test_checkpoint_and_tick_refuse_to_sign_a_malformed_entry(base, tmp_path):
    with copy_of(base, tmp_path) as env:
        seq = _insert_malformed(env)
        for command in ("checkpoint", "tick"):
            result = run(env, command)
            assert result.returncode == 1, result.stdout
            assert "refusing to sign a checkpoint" in result.stderr, result.stderr
            assert f"seq {seq}: not a valid dueprocess/entry/v2 entry" in result.stderr
        db = Insider(env, keep_triggers=True)
        signed = db.sql("SELECT MAX(size) FROM ledger_checkpoint")[0][0]
        db.close()
        assert signed <= seq  # nothing covering the malformed entry was signed


def test_an_edited_recorded_at_column_fails_verify(base, tmp_path):
    with copy_of(base, tmp_path) as env:
        db = Insider(env)
        moved = "2020-01-01 00:00:00" if backend() != "postgres" else "2020-01-01 00:00:00+00"
        db.sql("UPDATE ledger_ledgerentry SET recorded_at = %s WHERE seq IN (10, 12)", moved)
        db.close()
        verify_fails(env, "seq 10: the recorded_at column says 2020-01-01T00:00:00.000000Z")
        verify_fails(env, "seq 12: the recorded_at column says 2020-01-01T00:00:00.000000Z")


def test_an_edited_action_column_fails_verify(base, tmp_path):
    with copy_of(base, tmp_path) as env:
        db = Insider(env)
        db.sql("UPDATE ledger_ledgerentry SET action = 'access.denied' WHERE seq = 4")
        db.close()
        result = run(env, "verify")
        assert result.returncode == 1
        assert "seq 4: the action column says access.denied" in result.stderr, result.stderr


def test_init_with_a_policy_naming_no_witness_warns_loudly(tmp_path):
    with scratch_env(tmp_path) as env:
        result = run(env, "init")
        assert result.returncode == 0, result.stderr
        assert "WARNING: this ledger is not witnessed" in result.stderr
        assert "could rewrite or truncate its history" in result.stderr


def test_verify_on_an_unwitnessed_log_says_an_insider_could_rewrite_it(base, tmp_path):
    with copy_of(base, tmp_path) as env:
        witnessed = run(env, "verify")
        assert witnessed.returncode == 0 and "not witnessed" not in witnessed.stderr
        vkey = Path(env["DUEPROCESS_DATA_DIR"]) / "ledger.vkey"
        (Path(env["DUEPROCESS_DATA_DIR"]) / "ledger.policy").write_text(
            f"log {vkey.read_text().strip()}\nquorum none\n"
        )
        reference = test_tamper._first_reference(env)  # a new entry, on a checkpoint no one saw
        assert run(env, "prove", reference, "--out", str(tmp_path / "p.json")).returncode == 0
        for args in ((), ("--vkey", str(vkey))):
            downgraded = run(env, "verify", *args)
            assert downgraded.returncode == 0, downgraded.stderr
            assert "WARNING: this ledger is not witnessed" in downgraded.stderr
            assert "an insider holding the log's signing key" in downgraded.stderr


def test_verify_takes_the_auditors_own_policy_and_key(base, tmp_path):
    with copy_of(base, tmp_path) as env:
        auditor = tmp_path / "auditor"
        auditor.mkdir()
        vkey = (Path(env["DUEPROCESS_DATA_DIR"]) / "ledger.vkey").read_text().strip()
        (auditor / "ledger.vkey").write_text(vkey + "\n")
        (auditor / "policy").write_text(
            f"log {vkey}\nwitness w1 {env['WITNESS_VKEY']} {env['WITNESS_URL']}\nquorum w1\n"
        )
        # the operator's copy of the policy is downgraded; the auditor's own is not fooled
        (Path(env["DUEPROCESS_DATA_DIR"]) / "ledger.policy").write_text(
            f"log {vkey}\nquorum none\n"
        )
        ok = run(env, "verify", "--policy", str(auditor / "policy"))
        assert ok.returncode == 0 and "quorum 'w1' met" in ok.stdout, ok.stderr
        _, other = note.generate_key("dueprocess.invalid/ledger/v1")
        (auditor / "other.vkey").write_text(other + "\n")
        verify_fails(env, "signature does not verify", "--vkey", str(auditor / "other.vkey"))


def _references(env: dict[str, str]) -> list[str]:
    db = Insider(env, keep_triggers=True)
    rows = db.sql("SELECT reference FROM cases_case ORDER BY id")
    db.close()
    return [str(reference) for (reference,) in rows]


def test_check_proof_rejects_duplicated_and_relabelled_bundles(base, tmp_path):
    import json

    with copy_of(base, tmp_path) as env:
        first, second = _references(env)[:2]
        vkey = str(Path(env["DUEPROCESS_DATA_DIR"]) / "ledger.vkey")
        bundles = {}
        for reference in (first, second):
            out = tmp_path / f"{reference}.json"
            assert run(env, "prove", reference, "--out", str(out)).returncode == 0
            bundles[reference] = json.loads(out.read_text())
        good = run({}, "check-proof", str(tmp_path / f"{first}.json"), "--vkey", vkey)
        assert good.returncode == 0 and f"case {first}:" in good.stdout, good.stderr
        doubled = dict(bundles[first], proofs=bundles[first]["proofs"] * 2)
        relabelled = dict(bundles[first], reference=second)
        borrowed = dict(relabelled, reference_opening=bundles[second]["reference_opening"])
        unbound = {k: v for k, v in bundles[first].items() if k != "reference_opening"}
        for document, message in (
            (doubled, "repeats entry"),
            (relabelled, f"labelled {second!r}, but its entries belong to {first!r}"),
            (borrowed, "not an export proved here"),
            (unbound, "does not bind its reference"),
        ):
            broken = tmp_path / "broken.json"
            broken.write_text(json.dumps(document))
            result = run({}, "check-proof", str(broken), "--vkey", vkey)
            assert result.returncode == 1, (message, result.stdout)
            assert message in result.stderr, (message, result.stderr)


_RESEAL = """
import json, sys
from dueprocess.commands.setup import django_setup
django_setup()
from dueprocess.ledger import sealing
from dueprocess.ledger.models import LedgerEntry, LedgerPayload
row = LedgerEntry.objects.filter(action="decision.recorded").order_by("seq").first()
payload = LedgerPayload.objects.get(seq=row.seq)
key = sealing.subject_key(payload.subject, create=False)
raw = bytes(row.entry)
details = json.loads(sealing.unseal(key, bytes(payload.nonce), bytes(payload.ciphertext), raw))
details["sanctions"] = ["reminder of conduct"]
nonce, ciphertext = sealing.seal(key, sealing.payload_bytes(details), raw)
LedgerPayload.objects.filter(seq=row.seq).update(nonce=nonce, ciphertext=ciphertext)
print(row.seq)
"""

_TIMELINE = """
import sys
from dueprocess.commands.setup import django_setup
django_setup()
from dueprocess.cases.models import Case
from dueprocess.cases.timeline import case_timeline
from dueprocess.ledger.record import case_pseudonym
from dueprocess.ledger.models import LedgerEntry
row = LedgerEntry.objects.get(seq=int(sys.argv[1]))
case = next(c for c in Case.objects.all() if case_pseudonym(c.pk) == row.case_tag)
item = next(i for i in case_timeline(case) if i.seq == row.seq)
print(item.details.get("integrity", "genuine"), item.details.get("sanctions"))
"""


def _python(env: dict[str, str], script: str, *args: str) -> str:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", script, *args], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_payload_re_sealed_with_the_data_directory_key_is_caught(base, tmp_path):
    with copy_of(base, tmp_path) as env:
        Insider(env).close()  # the triggers are dropped first
        seq = _python(env, _RESEAL)
        verify_fails(env, f"seq {seq}: the sealed payload does not match its record")
        assert _python(env, _TIMELINE, seq) == "does not match its record None"
