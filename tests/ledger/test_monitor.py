"""``dueprocess monitor`` against a live ``dueprocess serve``: honest growth passes; a fork
re-signed with the real key, a truncation and a bad signature each raise the alarm.

The monitor talks HTTP only and keeps its history in a directory of its own; each attack is made
the way an insider with the database and the data directory would make it (triggers dropped,
tiles recomputed, checkpoints re-signed with the log's own key).
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from dueprocess.tlog import merkle, note
from tests.ledger.test_tamper import Insider, copy_of
from tests.scratch import run, run_json, scratch_env, serving

pytestmark = pytest.mark.slow

GROW = """
import json, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dueprocess.settings")
import django
django.setup()
from django.db import transaction
from dueprocess.ledger.record import record
from dueprocess.lib.ids import request_scope
with request_scope(), transaction.atomic():
    for _ in range(int(sys.argv[1])):
        record(actor=None, action="case_list.viewed")
print(json.dumps({"grown": int(sys.argv[1])}))
"""


def grow(env: dict[str, str], count: int) -> int:
    """Append ``count`` entries, sign a checkpoint; returns its size."""
    run_json(env, "-c", GROW, str(count))
    signed = run(env, "checkpoint")
    assert signed.returncode == 0, signed.stderr
    return int(re.search(r"checkpoint size (\d+)", signed.stdout).group(1))


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Iterator[dict[str, str]]:
    tmp = tmp_path_factory.mktemp("monitor")
    with scratch_env(tmp) as env:
        assert run(env, "init", "--admin-email", "boss@example.org").returncode == 0
        env["FIRST_SIZE"] = str(grow(env, 290))
        yield env


def monitor(env: dict[str, str], base_url: str, state: Path, *extra: str):  # type: ignore[no-untyped-def]
    vkey = Path(env["DUEPROCESS_DATA_DIR"]) / "ledger.vkey"
    args = ["monitor", base_url + "/ledger/", "--state-dir", str(state), "--once", *extra]
    if "--vkey" not in extra and "--policy" not in extra:
        args += ["--vkey", str(vkey)]
    # the monitor needs no database: it runs with none configured
    outside = {k: v for k, v in env.items() if k not in ("DATABASE_URL", "DUEPROCESS_DATA_DIR")}
    outside["DUEPROCESS_DATA_DIR"] = str(state.parent / "no-such-data-dir")
    return run(outside, *args)


def tile_reads(output: str) -> int:
    return int(re.search(r"\((\d+) tile reads", output).group(1))


def test_honest_growth_is_followed_with_a_few_tile_reads(base, tmp_path):
    state = tmp_path / "state"
    with copy_of(base, tmp_path) as env, serving(env) as url:
        first = monitor(env, url, state, "--entries")
        assert first.returncode == 0, first.stderr
        size = int(base["FIRST_SIZE"])
        assert f"first checkpoint held: size {size}" in first.stdout
        assert f"{size} entries checked" in first.stdout
        grown = grow(env, 300)
        second = monitor(env, url, state, "--entries")
        assert second.returncode == 0, second.stderr
        assert f"consistent: size {size} -> {grown}" in second.stdout
        assert f"{grown - size} entries checked" in second.stdout
        assert tile_reads(second.stdout) <= 6
        third = monitor(env, url, state)
        assert third.returncode == 0 and f"unchanged at size {grown}" in third.stdout
        assert sorted(p.name for p in (state / "checkpoints").iterdir()) == sorted(
            [str(size), str(grown)]
        )
        assert not (state / "evidence").exists()


def _resign(env: dict[str, str], db: Insider) -> int:
    """Drop every checkpoint and kept tile and sign the table as it now stands with the log's
    real key: what an insider holding the data directory can do."""
    hashes = [bytes(h) for (h,) in db.sql("SELECT leaf_hash FROM ledger_ledgerentry ORDER BY seq")]
    db.sql("DELETE FROM ledger_cosignature")
    db.sql("DELETE FROM ledger_checkpoint")
    if "DATABASE_URL" in env:  # the kept tiles are append-only too
        db.sql("ALTER TABLE ledger_ledgertile DISABLE TRIGGER ALL")
    db.sql("DELETE FROM ledger_ledgertile")
    db.sql("UPDATE ledger_ledgerhead SET size = %s", len(hashes))
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
    return len(hashes)


def test_a_rewritten_history_re_signed_with_the_real_key_is_a_fork(base, tmp_path):
    state = tmp_path / "state"
    with copy_of(base, tmp_path) as env, serving(env) as url:
        assert monitor(env, url, state).returncode == 0
        held = int(base["FIRST_SIZE"])
        run_json(env, "-c", GROW, "20")
        db = Insider(env)
        forged = db.entry(10).replace(b"role ", b"role x")
        db.sql(
            "UPDATE ledger_ledgerentry SET entry = %s, leaf_hash = %s WHERE seq = 10",
            forged,
            merkle.leaf_hash(forged),
        )
        size = _resign(env, db)
        db.close()
        result = monitor(env, url, state)
        assert result.returncode == 1, result.stdout
        assert "ALARM (fork)" in result.stderr
        assert f"the checkpoint of size {size} does not extend the one of size {held}" in (
            result.stderr
        )
        kept = list((state / "evidence").iterdir())
        assert len(kept) == 1 and kept[0].name.endswith("-fork.checkpoint")
        assert [p.name for p in (state / "checkpoints").iterdir()] == [str(held)]
        # it keeps refusing: the forged checkpoint never replaces the one held
        assert monitor(env, url, state).returncode == 1


def test_the_same_size_with_another_root_is_a_fork(base, tmp_path):
    state = tmp_path / "state"
    with copy_of(base, tmp_path) as env, serving(env) as url:
        assert monitor(env, url, state).returncode == 0
        db = Insider(env)
        forged = db.entry(3).replace(b"role ", b"role x")
        db.sql(
            "UPDATE ledger_ledgerentry SET entry = %s, leaf_hash = %s WHERE seq = 3",
            forged,
            merkle.leaf_hash(forged),
        )
        _resign(env, db)
        db.close()
        result = monitor(env, url, state)
        assert result.returncode == 1
        assert "ALARM (fork)" in result.stderr and "different roots" in result.stderr


def test_a_truncated_log_is_a_shrink(base, tmp_path):
    state = tmp_path / "state"
    with copy_of(base, tmp_path) as env, serving(env) as url:
        assert monitor(env, url, state).returncode == 0
        held = int(base["FIRST_SIZE"])
        db = Insider(env)
        db.sql("DELETE FROM ledger_ledgerentry WHERE seq >= %s", held - 10)
        size = _resign(env, db)
        db.close()
        assert size == held - 10
        result = monitor(env, url, state)
        assert result.returncode == 1
        assert "ALARM (shrink)" in result.stderr
        assert f"serves a checkpoint of size {size}, but a signed checkpoint of size {held}" in (
            result.stderr
        )


def test_a_checkpoint_signed_with_another_key_is_refused(base, tmp_path):
    state = tmp_path / "state"
    with copy_of(base, tmp_path) as env, serving(env) as url:
        assert monitor(env, url, state).returncode == 0
        db = Insider(env)
        data = Path(env["DUEPROCESS_DATA_DIR"])
        origin = note.Verifier.from_vkey((data / "ledger.vkey").read_text().strip()).name
        impostor = note.Signer.generate(origin)  # same name, not the log's key
        (raw_note,) = db.sql("SELECT note FROM ledger_checkpoint ORDER BY size DESC LIMIT 1")[0]
        body, _ = note.split_note(raw_note)
        db.sql("UPDATE ledger_checkpoint SET note = %s", note.sign_note(body, [impostor]))
        db.close()
        result = monitor(env, url, state)
        assert result.returncode == 1
        assert "ALARM (bad-signature)" in result.stderr
        assert f"not signed by {origin}" in result.stderr


def test_a_log_that_cannot_be_reached_is_not_an_alarm(tmp_path):
    other = note.Signer.generate("example.org/log")
    key = tmp_path / "log.vkey"
    key.write_text(other.vkey + "\n")
    from tests.scratch import free_port

    result = run(
        {"PYTHONPATH": __import__("os").environ.get("PYTHONPATH", "")},
        "monitor",
        f"http://127.0.0.1:{free_port()}/ledger/",
        "--vkey",
        str(key),
        "--state-dir",
        str(tmp_path / "state"),
    )
    assert result.returncode == 2 and "cannot read the log" in result.stderr
    assert not (tmp_path / "state" / "evidence").exists()


def test_every_n_seconds_it_keeps_watching_until_the_alarm(base, tmp_path):
    state = tmp_path / "state"
    with copy_of(base, tmp_path) as env, serving(env) as url:
        vkey = Path(env["DUEPROCESS_DATA_DIR"]) / "ledger.vkey"
        watcher = subprocess.Popen(
            [sys.executable, "-m", "dueprocess.cli", "monitor", url, "--vkey", str(vkey),
             "--state-dir", str(state), "--every", "0.2"],
            env={k: v for k, v in env.items() if k != "DATABASE_URL"},
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            held = state / "checkpoints" / base["FIRST_SIZE"]
            deadline = time.monotonic() + 60
            while not held.exists() and time.monotonic() < deadline:
                time.sleep(0.1)
            assert held.exists() and watcher.poll() is None  # still watching
            grown = grow(env, 5)
            while not (state / "checkpoints" / str(grown)).exists():
                assert time.monotonic() < deadline and watcher.poll() is None
                time.sleep(0.1)
            db = Insider(env)
            db.sql("BEGIN")  # one commit: the watcher sees the log before or after, never half
            db.sql("DELETE FROM ledger_ledgerentry WHERE seq >= %s", grown - 3)
            _resign(env, db)
            db.sql("COMMIT")
            db.close()
            out, err = watcher.communicate(timeout=60)
        finally:
            if watcher.poll() is None:
                watcher.kill()
        assert watcher.returncode == 1
        assert f"consistent: size {base['FIRST_SIZE']} -> {grown}" in out
        assert "ALARM (shrink)" in err
