"""Tampering with a real database behind the application's back — every attack is detected.

A small demo organisation is built once in a scratch database, its latest checkpoint cosigned by
a witness running on loopback. Each test tampers with a fresh copy the way an insider with
database access would (dropping or disabling the append-only triggers first), then runs
``dueprocess verify`` as a user would and expects it to fail naming the problem.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from dueprocess.lib.append_only import APPEND_ONLY_TABLES
from dueprocess.tlog import merkle, note
from dueprocess.tlog.witness import Witness, start_in_thread
from tests.scratch import backend, postgres_database, run, scratch_env

pytestmark = pytest.mark.slow
LEDGER_TABLES = (
    *APPEND_ONLY_TABLES,
    "ledger_ledgerhead",
)


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Iterator[dict[str, str]]:
    tmp = tmp_path_factory.mktemp("tamper")
    with scratch_env(tmp) as env:
        built = run(env, "demo", "--no-serve", "--cases", "12")
        assert built.returncode == 0, built.stderr
        data = Path(env["DUEPROCESS_DATA_DIR"])
        vkey = (data / "ledger.vkey").read_text().strip()
        skey, witness_vkey = note.generate_cosigner_key("ombudsman.example/w1")
        server = start_in_thread(
            Witness(skey, {note.Verifier.from_vkey(vkey).name: vkey}, tmp / "w.db")
        )
        (data / "ledger.policy").write_text(
            f"log {vkey}\nwitness w1 {witness_vkey} {server.url}\nquorum w1\n"
        )
        signed = run(env, "checkpoint")
        assert signed.returncode == 0 and "witness w1: cosigned" in signed.stdout, signed.stdout
        assert run(env, "verify").returncode == 0
        env["WITNESS_VKEY"] = witness_vkey
        env["WITNESS_URL"] = server.url
        (tmp / "w.key").write_text(skey)  # for a copy's own witness (test_tamper_witnessed)
        env["WITNESS_KEY_FILE"] = str(tmp / "w.key")
        env["WITNESS_DB"] = str(tmp / "w.db")
        yield env
        server.close()


@contextlib.contextmanager
def copy_of(base: dict[str, str], tmp_path: Path) -> Iterator[dict[str, str]]:
    env = dict(base)
    data = tmp_path / "data"
    shutil.copytree(
        base["DUEPROCESS_DATA_DIR"], data, ignore=shutil.ignore_patterns("dueprocess.sqlite3*")
    )
    env["DUEPROCESS_DATA_DIR"] = str(data)
    if backend() != "postgres":
        source = sqlite3.connect(Path(base["DUEPROCESS_DATA_DIR"]) / "dueprocess.sqlite3")
        target = sqlite3.connect(data / "dueprocess.sqlite3")
        source.backup(target)  # the online backup API, never a file copy (WAL would be lost)
        source.close()
        target.close()
        yield env
        return
    template = urlsplit(base["DATABASE_URL"]).path[1:]
    with postgres_database(base["DATABASE_URL"], template=template) as url:
        env["DATABASE_URL"] = url
        yield env


class Insider:
    """Direct database access, as the owner of the tables: triggers are dropped first."""

    def __init__(self, env: dict[str, str], *, keep_triggers: bool = False) -> None:
        if "DATABASE_URL" in env:
            import psycopg

            self.conn = psycopg.connect(env["DATABASE_URL"], autocommit=True)
            self.mark = "%s"
            if not keep_triggers:
                for table in LEDGER_TABLES:
                    self.conn.execute(f"ALTER TABLE {table} DISABLE TRIGGER ALL")
        else:
            self.conn = sqlite3.connect(
                Path(env["DUEPROCESS_DATA_DIR"]) / "dueprocess.sqlite3", isolation_level=None
            )
            self.mark = "?"
            if not keep_triggers:
                names = self.conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger'"
                ).fetchall()
                for (trigger,) in names:
                    self.conn.execute(f"DROP TRIGGER {trigger}")

    def sql(self, statement: str, *params: object) -> list[tuple]:
        cursor = self.conn.execute(statement.replace("%s", self.mark), params)
        return list(cursor.fetchall()) if cursor.description else []

    def entry(self, seq: int) -> bytes:
        return bytes(self.sql("SELECT entry FROM ledger_ledgerentry WHERE seq = %s", seq)[0][0])

    def size(self) -> int:
        return int(self.sql("SELECT COUNT(*) FROM ledger_ledgerentry")[0][0])

    def close(self) -> None:
        self.conn.close()


def verify_fails(env: dict[str, str], expected: str, *extra: str) -> None:
    result = run(env, "verify", *extra)
    assert result.returncode == 1, result.stdout
    assert expected in result.stderr, result.stderr


def test_an_edited_entry_is_detected(base, tmp_path):
    with copy_of(base, tmp_path) as env:
        db = Insider(env)
        db.sql(
            "UPDATE ledger_ledgerentry SET entry = %s WHERE seq = 10",
            db.entry(10).replace(b"role ", b"role x"),
        )
        db.close()
        verify_fails(env, "leaf hash mismatch at seq 10")


def test_an_entry_edited_together_with_its_leaf_hash_is_detected(base, tmp_path):
    with copy_of(base, tmp_path) as env:
        db = Insider(env)
        forged = db.entry(10).replace(b"role ", b"role x")
        db.sql(
            "UPDATE ledger_ledgerentry SET entry = %s, leaf_hash = %s WHERE seq = 10",
            forged,
            merkle.leaf_hash(forged),
        )
        db.close()
        verify_fails(env, "root mismatch for checkpoint size")


def test_an_entry_deleted_from_the_middle_is_detected(base, tmp_path):
    with copy_of(base, tmp_path) as env:
        db = Insider(env)
        db.sql("DELETE FROM ledger_ledgerpayload WHERE seq = 10")
        db.sql("DELETE FROM ledger_ledgerentry WHERE seq = 10")
        db.close()
        verify_fails(env, "entries are not dense: expected seq 10, found 11")


def test_reordered_entries_are_detected(base, tmp_path):
    with copy_of(base, tmp_path) as env:
        db = Insider(env)
        a, b = db.entry(10), db.entry(11)
        db.sql(
            "UPDATE ledger_ledgerentry SET entry = %s, leaf_hash = %s WHERE seq = 10",
            b,
            merkle.leaf_hash(b),
        )
        db.sql(
            "UPDATE ledger_ledgerentry SET entry = %s, leaf_hash = %s WHERE seq = 11",
            a,
            merkle.leaf_hash(a),
        )
        db.close()
        verify_fails(env, "entry stored at seq 10 does not say seq 10")


def test_a_truncated_tail_is_detected(base, tmp_path):
    with copy_of(base, tmp_path) as env:
        db = Insider(env)
        size = db.size()
        db.sql("DELETE FROM ledger_ledgerentry WHERE seq >= %s", size - 5)
        db.sql("UPDATE ledger_ledgerhead SET size = %s", size - 5)
        db.close()
        verify_fails(env, f"log truncated: checkpoint size {size} > {size - 5} stored entries")


def test_a_truncated_tail_with_its_checkpoints_removed_lacks_the_witness(base, tmp_path):
    with copy_of(base, tmp_path) as env:
        db = Insider(env)
        size = db.size()
        db.sql("DELETE FROM ledger_cosignature")
        db.sql("DELETE FROM ledger_checkpoint WHERE size > %s", size - 5)
        db.sql("DELETE FROM ledger_ledgerentry WHERE seq >= %s", size - 5)
        db.sql("UPDATE ledger_ledgerhead SET size = %s", size - 5)
        db.close()
        verify_fails(env, "the policy's quorum 'w1' is not met")


def rewrite_history(env: dict[str, str]) -> None:
    """Forge entry 10, throw away every checkpoint and re-sign the forged tree with the log key."""
    db = Insider(env)
    forged = db.entry(10).replace(b"role ", b"role x")
    db.sql(
        "UPDATE ledger_ledgerentry SET entry = %s, leaf_hash = %s WHERE seq = 10",
        forged,
        merkle.leaf_hash(forged),
    )
    hashes = [bytes(h) for (h,) in db.sql("SELECT leaf_hash FROM ledger_ledgerentry ORDER BY seq")]
    db.sql("DELETE FROM ledger_cosignature")
    db.sql("DELETE FROM ledger_checkpoint")
    data = Path(env["DUEPROCESS_DATA_DIR"])
    signer = note.Signer.from_skey((data / "ledger-signing.key").read_text().strip())
    tree = merkle.CompactRange.from_leaf_hashes(hashes)
    body = note.format_checkpoint(signer.name, len(hashes), tree.root())
    db.sql(
        "INSERT INTO ledger_checkpoint (size, root, note, compact_range, created_at)"
        " VALUES (%s, %s, %s, %s, %s)",
        len(hashes),
        tree.root(),
        note.sign_note(body, [signer]),
        tree.to_bytes(),
        "2026-01-01 00:00:00+00:00",
    )
    db.close()


def test_history_rewritten_and_re_signed_with_the_log_key_lacks_the_witness(base, tmp_path):
    with copy_of(base, tmp_path) as env:
        rewrite_history(env)
        verify_fails(env, "the policy's quorum 'w1' is not met")


def test_history_rewritten_and_re_signed_is_caught_by_the_witnesses_own_checkpoint(base, tmp_path):
    with copy_of(base, tmp_path) as env:
        rewrite_history(env)
        # An outsider's policy that lists the witness but demands no cosignature on the latest
        # checkpoint: the witness's earlier checkpoint still exposes the fork.
        policy = tmp_path / "outsider.policy"
        vkey = (Path(env["DUEPROCESS_DATA_DIR"]) / "ledger.vkey").read_text().strip()
        policy.write_text(
            f"log {vkey}\nwitness w1 {env['WITNESS_VKEY']} {env['WITNESS_URL']}\nquorum none\n"
        )
        verify_fails(env, "fork: witness w1 cosigned size", "--policy", str(policy), "--online")


def test_history_rewritten_and_re_signed_is_refused_by_the_witness(base, tmp_path):
    with copy_of(base, tmp_path) as env:
        rewrite_history(env)
        result = run(env, "checkpoint")
        assert result.returncode == 1
        assert "witness w1: refused (422)" in result.stdout


def test_a_checkpoint_with_an_edited_size_is_detected(base, tmp_path):
    with copy_of(base, tmp_path) as env:
        db = Insider(env)
        size, text = db.sql("SELECT size, note FROM ledger_checkpoint ORDER BY size DESC")[0]
        db.sql(
            "UPDATE ledger_checkpoint SET note = %s WHERE size = %s",
            text.replace(f"\n{size}\n", f"\n{size - 1}\n"),
            size,
        )
        db.close()
        verify_fails(env, f"checkpoint {size}: signature does not verify")


def test_a_checkpoint_signed_with_an_unknown_key_is_detected(base, tmp_path):
    with copy_of(base, tmp_path) as env:
        db = Insider(env)
        size, text = db.sql("SELECT size, note FROM ledger_checkpoint ORDER BY size DESC")[0]
        body, _ = note.split_note(text)
        impostor = note.Signer.generate(note.parse_checkpoint(body).origin)
        db.sql(
            "UPDATE ledger_checkpoint SET note = %s WHERE size = %s",
            note.sign_note(body, [impostor]),
            size,
        )
        db.close()
        verify_fails(env, f"checkpoint {size}: signature does not verify")


def test_the_triggers_refuse_edits_while_they_are_in_place(base, tmp_path):
    with copy_of(base, tmp_path) as env:
        db = Insider(env, keep_triggers=True)
        for statement in (
            "UPDATE ledger_ledgerentry SET action = 'x.y' WHERE seq = 3",
            "DELETE FROM ledger_ledgerentry WHERE seq = 3",
            "DELETE FROM ledger_checkpoint",
        ):
            with pytest.raises(Exception, match="append-only"):
                db.sql(statement)
        db.close()
        assert run(env, "verify").returncode == 0


def test_prove_and_check_proof_round_trip_and_every_mangled_bundle_fails(base, tmp_path):
    with copy_of(base, tmp_path) as env:
        bundle = tmp_path / "case.json"
        proved = run(env, "prove", "C-" + _first_reference(env)[2:], "--out", str(bundle))
        assert proved.returncode == 0, proved.stderr
        vkey = Path(env["DUEPROCESS_DATA_DIR"]) / "ledger.vkey"
        good = run(
            {},
            "check-proof",
            str(bundle),
            "--vkey",
            str(vkey),
            "--witness-vkey",
            env["WITNESS_VKEY"],
        )
        assert good.returncode == 0, good.stderr
        assert "entries, all included in checkpoint" in good.stdout
        for mangle, message in _mangles(bundle.read_text()):
            broken = tmp_path / "broken.json"
            broken.write_text(mangle)
            result = run({}, "check-proof", str(broken), "--vkey", str(vkey))
            assert result.returncode == 1, (message, result.stdout)
            assert message in result.stderr, (message, result.stderr)
        other = note.Signer.generate("dueprocess.invalid/ledger/v1").vkey
        assert run({}, "check-proof", str(bundle), "--vkey", other).returncode == 1


def _first_reference(env: dict[str, str]) -> str:
    db = Insider(env, keep_triggers=True)
    (reference,) = db.sql("SELECT reference FROM cases_case ORDER BY id")[0]
    db.close()
    return str(reference)


def _mangles(text: str) -> list[tuple[str, str]]:
    import json

    doc = json.loads(text)
    out = []
    flipped = json.loads(text)
    lines = flipped["proofs"][0].split("\n")
    index_line = next(i for i, line in enumerate(lines) if line.startswith("index "))
    if index_line + 1 < len(lines) and lines[index_line + 1]:
        lines[index_line + 1] = ("A" if lines[index_line + 1][0] != "A" else "B") + lines[
            index_line + 1
        ][1:]
    else:
        lines[index_line] = "index 999999"
    flipped["proofs"][0] = "\n".join(lines)
    out.append((json.dumps(flipped), "proof 1:"))
    moved = json.loads(text)
    moved["proofs"][0] = (
        moved["proofs"][0].replace(lines[index_line], "index 0", 1) if doc["proofs"] else ""
    )
    out.append((json.dumps(moved), "proof 1:"))
    other_case = json.loads(text)
    other_case["case"] = "0" * 64
    out.append((json.dumps(other_case), "belongs to another case"))
    out.append((text[: len(text) // 2], "not a JSON bundle"))
    empty = dict(doc, proofs=[])
    out.append((json.dumps(empty), "at least one proof"))
    return out
