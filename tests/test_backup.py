"""``dueprocess backup`` and ``dueprocess restore``: a backup restores into a fresh place and
verifies, a tampered one is refused before anything is written, an occupied place needs
``--force``, and a backup taken while writers run restores to a consistent prefix of the ledger."""

from __future__ import annotations

import hashlib
import json
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.scratch import backend, run, run_json, scratch_env

pytestmark = pytest.mark.slow

_STATE = (
    "import django, json, os;"
    "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'dueprocess.settings');"
    "django.setup();"
    "from dueprocess.cases.models import Case, Note;"
    "from dueprocess.ledger.models import LedgerEntry;"
    "from dueprocess.ledger import store;"
    "print(json.dumps({'cases': Case.objects.count(), 'size': store.size(),"
    " 'notes': list(Note.objects.values_list('body', flat=True)),"
    " 'note_entries': LedgerEntry.objects.filter(action='note.added').count()}))"
)


def _state(env: dict[str, str]) -> dict[str, Any]:
    return run_json(env, "-c", _STATE, timeout=300)


def _has_tables(env: dict[str, str]) -> bool:
    if backend() != "postgres":
        return (Path(env["DUEPROCESS_DATA_DIR"]) / "dueprocess.sqlite3").exists()
    import psycopg

    with psycopg.connect(env["DATABASE_URL"]) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"
        ).fetchone()
    return bool(row and row[0])


def _live(env: dict[str, str]) -> dict[str, int]:
    """A scratch database with the test world and a signed checkpoint (so every key exists)."""
    ids: dict[str, int] = run_json(env, "-m", "tests.crash_worker", "setup", timeout=300)
    done = run(env, "checkpoint", timeout=300)
    assert done.returncode == 0, done.stderr
    return ids


def _backup(env: dict[str, str], destination: Path) -> dict[str, Any]:
    done = run(env, "backup", str(destination), timeout=300)
    assert done.returncode == 0, done.stderr
    assert "can NEVER be replaced" in done.stdout
    assert "ledger-kek.key" in done.stdout and "ledger-signing.key" in done.stdout
    return json.loads((destination / "manifest.json").read_text())


def test_backup_restores_into_a_fresh_place_and_verifies(tmp_path: Path) -> None:
    with scratch_env(tmp_path / "live") as env:
        _live(env)
        before = _state(env)
        manifest = _backup(env, tmp_path / "backup")
        backup_dir = tmp_path / "backup"
        assert stat.S_IMODE(backup_dir.stat().st_mode) == 0o700
        for path in backup_dir.iterdir():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
        names = {entry["name"] for entry in manifest["files"]}
        database = "database.sqlite3" if backend() != "postgres" else "database.dump"
        assert {database, "ledger-signing.key", "ledger-kek.key", "ledger.vkey"} <= names
        assert {"ledger.policy", "ledger-pseudonym.key"} <= names
        assert manifest["database_vendor"] == (
            "postgresql" if backend() == "postgres" else "sqlite"
        )
        assert manifest["ledger"]["size"] == before["size"] > 0
        assert manifest["cases"] == before["cases"] > 0
        assert manifest["dueprocess_version"]

        with scratch_env(tmp_path / "fresh") as fresh:
            done = run(fresh, "restore", str(backup_dir), timeout=300)
            assert done.returncode == 0, done.stderr
            assert "restored ledger verified" in done.stdout
            assert "ok  case data" in done.stdout
            after = _state(fresh)
            assert (after["cases"], after["size"]) == (before["cases"], before["size"])
            restored = Path(fresh["DUEPROCESS_DATA_DIR"])
            live = Path(env["DUEPROCESS_DATA_DIR"])
            for name in ("ledger-signing.key", "ledger-kek.key", "ledger-pseudonym.key"):
                assert (restored / name).read_bytes() == (live / name).read_bytes()
                assert stat.S_IMODE((restored / name).stat().st_mode) == 0o600
            verified = run(fresh, "verify", timeout=300)
            assert verified.returncode == 0, verified.stderr


def test_a_tampered_backup_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    with scratch_env(tmp_path / "live") as env:
        _live(env)
        backup_dir = tmp_path / "backup"
        _backup(env, backup_dir)
        key = backup_dir / "ledger-kek.key"
        key.chmod(0o600)
        data = bytearray(key.read_bytes())
        data[0] ^= 1
        key.write_bytes(bytes(data))
        with scratch_env(tmp_path / "fresh") as fresh:
            done = run(fresh, "restore", str(backup_dir), "--force", timeout=300)
            assert done.returncode == 2
            assert "ledger-kek.key does not match its SHA-256" in done.stderr
            assert not Path(fresh["DUEPROCESS_DATA_DIR"]).exists()
            assert not _has_tables(fresh)


def test_restore_onto_an_existing_database_needs_force(tmp_path: Path) -> None:
    with scratch_env(tmp_path / "live") as env:
        ids = _live(env)
        backup_dir = tmp_path / "backup"
        manifest = _backup(env, backup_dir)
        before = _state(env)
        # A key the backup does not have (nobody had enrolled a second factor) must not survive
        # from the installation being replaced.
        assert "mfa-secrets.key" not in {entry["name"] for entry in manifest["files"]}
        stray = Path(env["DUEPROCESS_DATA_DIR"]) / "mfa-secrets.key"
        stray.write_bytes(bytes(32))
        add_note = (
            "import django, json, os;"
            "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'dueprocess.settings');"
            "django.setup();"
            "from dueprocess.accounts.models import User;"
            "from dueprocess.cases import services as svc;"
            "from dueprocess.cases.models import Case;"
            f"svc.note_add(actor=User.objects.get(pk={ids['actor']}),"
            f" case=Case.objects.get(pk={ids['case']}), body='after the backup');"
            "print('{}')"
        )
        run_json(env, "-c", add_note, timeout=300)
        grown = _state(env)
        assert grown["size"] > before["size"]
        refused = run(env, "restore", str(backup_dir), timeout=300)
        assert refused.returncode == 2
        assert "refusing to overwrite it without --force" in refused.stderr
        assert _state(env) == grown
        assert stray.exists()
        forced = run(env, "restore", str(backup_dir), "--force", timeout=300)
        assert forced.returncode == 0, forced.stderr
        after = _state(env)
        assert (after["cases"], after["size"]) == (before["cases"], before["size"])
        assert "after the backup" not in after["notes"]
        assert not stray.exists()


def _writer(env: dict[str, str], name: str, ids: dict[str, int], log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.crash_worker",
            "write",
            name,
            str(ids["case"]),
            str(ids["actor"]),
        ],
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
    )


def _acknowledged(logs: list[Path]) -> set[str]:
    return {
        line.split(" ", 1)[1]
        for log in logs
        for line in log.read_text().splitlines()
        if line.startswith("ack ")
    }


def test_a_backup_taken_while_writes_run_restores_a_consistent_prefix(tmp_path: Path) -> None:
    with scratch_env(tmp_path / "live") as env:
        ids = _live(env)
        logs = [tmp_path / f"writer-{n}.log" for n in range(2)]
        writers = [_writer(env, f"w{n}", ids, logs[n]) for n in range(2)]
        try:
            deadline = time.monotonic() + 120
            while len(_acknowledged(logs)) < 10 and time.monotonic() < deadline:
                time.sleep(0.2)
            acknowledged_before = _acknowledged(logs)
            assert len(acknowledged_before) >= 10
            backup_dir = tmp_path / "backup"
            _backup(env, backup_dir)
            time.sleep(1)
        finally:
            for writer in writers:
                writer.terminate()
                writer.wait(30)
        acknowledged_after = _acknowledged(logs)
        assert len(acknowledged_after) > len(acknowledged_before)  # writes ran on meanwhile

        with scratch_env(tmp_path / "fresh") as fresh:
            done = run(fresh, "restore", str(backup_dir), timeout=300)
            assert done.returncode == 0, done.stderr
            assert "restored ledger verified" in done.stdout
            restored = _state(fresh)
            notes = set(restored["notes"])
            assert acknowledged_before <= notes  # committed before the backup: all there
            written = {body for body in notes if body.startswith(("w0-", "w1-"))}
            assert written <= acknowledged_after  # nothing that was not committed
            assert written < acknowledged_after  # and not what came after the snapshot
            # A consistent prefix: each writer's notes are 1..k with no gap, and every note
            # has its ledger entry (verify --state has also reconciled the rows).
            for n in range(2):
                numbers = sorted(
                    int(body.split("-")[1]) for body in notes if body.startswith(f"w{n}-")
                )
                assert numbers == list(range(1, len(numbers) + 1))
            assert restored["note_entries"] == len(restored["notes"])


def test_a_restore_whose_verify_fails_exits_non_zero(tmp_path: Path) -> None:
    with scratch_env(tmp_path / "live") as env:
        _live(env)
        backup_dir = tmp_path / "backup"
        manifest = _backup(env, backup_dir)
        # A wrong key-encryption key with a manifest to match: the hashes pass, verify cannot
        # open a single payload.
        (backup_dir / "ledger-kek.key").write_bytes(bytes(32))
        for entry in manifest["files"]:
            if entry["name"] == "ledger-kek.key":
                entry["sha256"] = hashlib.sha256(bytes(32)).hexdigest()
        (backup_dir / "manifest.json").write_text(json.dumps(manifest))
        with scratch_env(tmp_path / "fresh") as fresh:
            done = run(fresh, "restore", str(backup_dir), timeout=300)
            assert done.returncode == 1
            assert "FAILED" in done.stderr
            assert "restored ledger verified" not in done.stdout


def test_backup_without_pg_dump_on_path_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dueprocess.lib.backup import BackupError, _tool

    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(BackupError, match="pg_dump was not found on PATH"):
        _tool("pg_dump")


def test_backup_of_an_uninitialised_database_is_refused_in_one_line(tmp_path: Path) -> None:
    with scratch_env(tmp_path / "empty") as env:
        Path(env["DUEPROCESS_DATA_DIR"]).mkdir(parents=True)
        if backend() != "postgres":
            (Path(env["DUEPROCESS_DATA_DIR"]) / "dueprocess.sqlite3").touch()
        done = run(env, "backup", str(tmp_path / "backup"), timeout=300)
        assert done.returncode == 2
        assert done.stderr.startswith("dueprocess backup: ")
        assert "Traceback" not in done.stderr
        assert not (tmp_path / "backup").exists()
        assert not list(tmp_path.glob(".backup*"))


_EVIDENCE = """
import json, sys
from dueprocess.commands.setup import django_setup
django_setup()
from dueprocess.accounts.models import User
from dueprocess.cases.models import Case, EvidenceItem
from dueprocess.cases.services import evidence_add
from dueprocess.evidence.files import evidence_download
from dueprocess.lib.ids import request_scope
actor = User.objects.get(pk=int(sys.argv[2]))
case = Case.objects.get(pk=int(sys.argv[1]))
with request_scope():
    if sys.argv[3] == "add":
        item = evidence_add(actor=actor, case=case, title="Statement", kind="document",
                            content=b"A fictional statement, kept sealed.\\n")
    item = EvidenceItem.objects.filter(case=case).order_by("-pk").first()
    got = evidence_download(actor=actor, case=case, item_id=item.pk)
print(json.dumps({"content": got.content.decode()}))
"""


def test_evidence_files_are_backed_up_and_restored_byte_for_byte(tmp_path: Path) -> None:
    with scratch_env(tmp_path / "live") as env:
        ids = _live(env)
        case, actor = str(ids["case"]), str(ids["actor"])
        added = run_json(env, "-c", _EVIDENCE, case, actor, "add", timeout=300)
        manifest = _backup(env, tmp_path / "backup")
        evidence = [e for e in manifest["files"] if e["kind"] == "evidence"]
        assert len(evidence) == 1 and evidence[0]["name"].startswith("evidence/")
        assert stat.S_IMODE((tmp_path / "backup" / evidence[0]["name"]).stat().st_mode) == 0o600
        with scratch_env(tmp_path / "fresh") as fresh:
            done = run(fresh, "restore", str(tmp_path / "backup"), timeout=300)
            assert done.returncode == 0, done.stderr
            again = run_json(fresh, "-c", _EVIDENCE, case, actor, "read", timeout=300)
            assert again["content"] == added["content"] == "A fictional statement, kept sealed.\n"
