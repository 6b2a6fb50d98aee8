"""Attacks on the witnessing itself, caught by the auditor's own policy and by the witness.

Same scratch demo, copies and insider as ``test_tamper.py`` (its latest checkpoint cosigned by
the witness ``w1`` on loopback); each test runs on SQLite and, with
``DUEPROCESS_TEST_BACKEND=postgres``, on PostgreSQL.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from dueprocess.tlog import note
from dueprocess.tlog.witness import Witness, start_in_thread
from tests.ledger import test_tamper
from tests.ledger.test_tamper import Insider, copy_of, rewrite_history, verify_fails
from tests.scratch import run

pytestmark = pytest.mark.slow
base = test_tamper.base  # the scratch demo with a cosigned checkpoint, built once per module


def auditor_policy(env: dict[str, str], tmp_path: Path) -> Path:
    """The auditor's own copy, kept outside the operator's reach: the log key and ``w1``."""
    vkey = (Path(env["DUEPROCESS_DATA_DIR"]) / "ledger.vkey").read_text().strip()
    path = tmp_path / "auditor.policy"
    path.write_text(
        f"log {vkey}\nwitness w1 {env['WITNESS_VKEY']} {env['WITNESS_URL']}\nquorum w1\n"
    )
    return path


@contextlib.contextmanager
def own_witness(env: dict[str, str], tmp_path: Path) -> Iterator[dict[str, str]]:
    """``w1`` as it stood for the base log, for this copy alone (a proof moves a witness on, and
    the copies' histories are forks of each other): its state copied, the copy's policy and
    ``WITNESS_URL`` pointed at it."""
    copy = tmp_path / "w1.db"
    with (
        contextlib.closing(sqlite3.connect(env["WITNESS_DB"])) as source,
        contextlib.closing(sqlite3.connect(copy)) as target,
    ):
        source.backup(target)
    vkey = (Path(env["DUEPROCESS_DATA_DIR"]) / "ledger.vkey").read_text().strip()
    skey = Path(env["WITNESS_KEY_FILE"]).read_text().strip()
    server = start_in_thread(Witness(skey, {note.Verifier.from_vkey(vkey).name: vkey}, copy))
    try:
        env = dict(env, WITNESS_URL=server.url)
        (Path(env["DUEPROCESS_DATA_DIR"]) / "ledger.policy").write_text(
            f"log {vkey}\nwitness w1 {env['WITNESS_VKEY']} {server.url}\nquorum w1\n"
        )
        yield env
    finally:
        server.close()


def downgrade_policy(env: dict[str, str]) -> None:
    data = Path(env["DUEPROCESS_DATA_DIR"])
    (data / "ledger.policy").write_text(f"log {(data / 'ledger.vkey').read_text().strip()}\n"
                                        "quorum none\n")  # fmt: skip


def test_a_truncation_behind_a_policy_downgraded_to_no_witness_fails_the_auditors_policy(
    base, tmp_path
):
    with copy_of(base, tmp_path) as copied, own_witness(copied, tmp_path) as env:
        mine = auditor_policy(env, tmp_path)
        out = str(tmp_path / "p.json")
        assert run(env, "prove", test_tamper._first_reference(env), "--out", out).returncode == 0
        db = Insider(env)  # the export (cosigned by w1) is deleted with every trace of it
        size = db.size()
        db.sql("DELETE FROM ledger_ledgerpayload WHERE seq = %s", size - 1)
        db.sql("DELETE FROM ledger_ledgerentry WHERE seq = %s", size - 1)
        db.sql("UPDATE ledger_ledgerhead SET size = %s", size - 1)
        db.sql("DELETE FROM ledger_cosignature")
        db.sql("DELETE FROM ledger_checkpoint WHERE size >= %s", size)
        db.close()
        downgrade_policy(env)
        # the data directory's policy: the log itself passes, but loudly (only the dropped
        # triggers give the insider away, which the reconciliation step reports)
        triggers = run(env, "verify")
        assert triggers.returncode == 1 and "append-only triggers missing" in triggers.stderr
        operator = run(env, "verify", "--no-state")
        assert operator.returncode == 0, operator.stderr
        assert "WARNING: this ledger is not witnessed" in operator.stderr
        assert "could rewrite or truncate its history" in operator.stderr
        assert "NOTE: this used the data directory's policy" in operator.stderr
        assert "An auditor must verify with their own copy" in operator.stderr
        verify_fails(env, "the policy's quorum 'w1' is not met", "--policy", str(mine))
        vkey = str(Path(env["DUEPROCESS_DATA_DIR"]) / "ledger.vkey")
        verify_fails(
            env, "the policy's quorum 'w1' is not met", "--policy", str(mine), "--vkey", vkey
        )
        lenient = tmp_path / "lenient.policy"  # even without a quorum, the witness remembers
        lenient.write_text(mine.read_text().replace("quorum w1", "quorum none"))
        verify_fails(
            env,
            f"witness w1 holds size {size}; the log has only {size - 1} entries",
            "--policy",
            str(lenient),
            "--online",
        )


def test_a_policy_downgraded_while_the_cosignatures_remain_is_reported(base, tmp_path):
    with copy_of(base, tmp_path) as env:
        downgrade_policy(env)
        result = run(env, "verify")
        assert result.returncode == 0, result.stderr
        assert "cosignatures by witnesses this policy does not name" in result.stderr
        assert "ombudsman.example/w1" in result.stderr
        ok = run(env, "verify", "--policy", str(auditor_policy(env, tmp_path)))
        assert ok.returncode == 0 and "quorum 'w1' met" in ok.stdout, ok.stderr


def test_a_deleted_policy_is_not_silently_replaced_by_one_naming_no_witness(base, tmp_path):
    with copy_of(base, tmp_path) as env:
        policy = Path(env["DUEPROCESS_DATA_DIR"]) / "ledger.policy"
        policy.unlink()
        result = run(env, "verify")
        assert result.returncode == 2 and "no policy at" in result.stderr, result.stderr
        assert not policy.exists()


def test_a_rewrite_re_signed_with_the_real_key_cannot_be_proved_on_a_witnessed_checkpoint(
    base, tmp_path
):
    with copy_of(base, tmp_path) as copied, own_witness(copied, tmp_path) as env:
        rewrite_history(env)
        result = run(env, "prove", test_tamper._first_reference(env), "--out",
                     str(tmp_path / "p.json"), "--wait", "30")  # fmt: skip
        assert result.returncode == 1, result.stdout
        assert "did not cosign checkpoint" in result.stderr
        assert "w1: refused (422)" in result.stderr and "not consistent" in result.stderr
        assert not (tmp_path / "p.json").exists()


def test_a_changed_signed_time_breaks_the_stored_cosignature(base, tmp_path):
    with copy_of(base, tmp_path) as env:
        db = Insider(env)
        size, line = db.sql(
            "SELECT c.size, s.line FROM ledger_cosignature s JOIN ledger_checkpoint c"
            " ON c.id = s.checkpoint_id WHERE s.witness = 'w1' ORDER BY c.size DESC"
        )[0]
        db.sql("UPDATE ledger_cosignature SET line = %s WHERE line = %s", backdated(line), line)
        db.close()
        verify_fails(env, f"cosignature by w1 on checkpoint {size} does not verify")


def backdated(line: str, seconds: int = 86_400) -> str:
    """The cosignature line with its signed time (the first 8 bytes) moved back a day."""
    signature = note.parse_signature_line(line)
    stamp = int.from_bytes(signature.signature[:8], "big") - seconds
    raw = stamp.to_bytes(8, "big") + signature.signature[8:]
    return note.Signature(signature.name, signature.key_id, raw).line


def test_a_bundle_shows_its_signed_time_and_a_changed_time_fails_check_proof(base, tmp_path):
    with copy_of(base, tmp_path) as copied, own_witness(copied, tmp_path) as env:
        bundle = tmp_path / "case.json"
        proved = run(env, "prove", test_tamper._first_reference(env), "--out", str(bundle))
        assert proved.returncode == 0, proved.stderr
        vkey = str(Path(env["DUEPROCESS_DATA_DIR"]) / "ledger.vkey")
        witness = ("--witness-vkey", env["WITNESS_VKEY"])
        good = run({}, "check-proof", str(bundle), "--vkey", vkey, *witness, "--quorum", "1")
        assert good.returncode == 0, good.stderr
        assert "signed time: ombudsman.example/w1 cosigned the checkpoint at 20" in good.stdout
        mine = auditor_policy(env, tmp_path)
        assert run({}, "check-proof", str(bundle), "--policy", str(mine)).returncode == 0

        document = json.loads(bundle.read_text())
        proof = document["proofs"][0]
        cosignature = next(
            line for line in proof.split("\n") if line.startswith("— ombudsman.example/w1 ")
        )
        changed = backdated(cosignature)
        document["proofs"] = [p.replace(cosignature, changed) for p in document["proofs"]]
        moved = tmp_path / "moved.json"
        moved.write_text(json.dumps(document))
        for args in ((*witness, "--quorum", "1"), witness, ("--policy", str(mine))):
            keys = () if args[0] == "--policy" else ("--vkey", vkey)
            result = run({}, "check-proof", str(moved), *keys, *args)
            assert result.returncode == 1, (args, result.stdout)
            assert "signature from known key ombudsman.example/w1" in result.stderr
            assert "does not verify" in result.stderr
        # without the witness's key the changed line is someone unknown's: no signed time at all
        blind = run({}, "check-proof", str(moved), "--vkey", vkey)
        assert blind.returncode == 0, blind.stderr
        assert "signed time" not in blind.stdout and "no signed time" in blind.stderr
        refused = run({}, "check-proof", str(moved), "--vkey", vkey, "--quorum", "1")
        assert refused.returncode == 1 and "quorum 1 cannot be met" in refused.stderr
