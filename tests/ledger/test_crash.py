"""Crash safety: writers killed with SIGKILL at random moments lose no acknowledged write,
double none, and leave a ledger that verifies (one ``note.added`` entry per note)."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.scratch import run, run_json, scratch_env

pytestmark = pytest.mark.slow

WRITERS = 4
ROUNDS = 5


def _start(env: dict[str, str], name: str, ids: dict[str, int], log: Path) -> subprocess.Popen:
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
        stdout=log.open("a"),
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
    )


def _acknowledged(logs: list[Path]) -> list[str]:
    bodies = []
    for log in logs:
        for line in log.read_text().splitlines():
            if line.startswith("ack "):
                bodies.append(line.split(" ", 1)[1])
    return bodies


def _count_notes(env: dict[str, str], case_id: int) -> dict[str, object]:
    script = (
        "import django, json, os;"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'dueprocess.settings');"
        "django.setup();"
        "from dueprocess.cases.models import Note;"
        "from dueprocess.ledger.models import LedgerEntry;"
        "from dueprocess.ledger.config import load_policy;"
        "from dueprocess.ledger.verify import verify_ledger;"
        f"bodies = list(Note.objects.filter(case_id={case_id}).values_list('body', flat=True));"
        "report = verify_ledger(load_policy());"
        "print(json.dumps({'bodies': bodies,"
        " 'entries': LedgerEntry.objects.filter(action='note.added').count(),"
        " 'ok': report.ok, 'failure': report.failure}))"
    )
    return run_json(env, "-c", script, timeout=300)


def test_writers_killed_mid_write_lose_and_double_nothing(tmp_path: Path) -> None:
    chance = random.Random(20261201)
    with scratch_env(tmp_path) as env:
        ids = run_json(env, "-m", "tests.crash_worker", "setup", timeout=300)
        logs = [tmp_path / f"writer-{n}.log" for n in range(WRITERS)]
        writers = [_start(env, f"w{n}.0", ids, logs[n]) for n in range(WRITERS)]
        kills = 0
        for round_number in range(1, ROUNDS + 1):
            time.sleep(chance.uniform(1.0, 2.5))
            victim = chance.randrange(WRITERS)
            writers[victim].send_signal(signal.SIGKILL)
            writers[victim].wait()
            kills += 1
            writers[victim] = _start(env, f"w{victim}.{round_number}", ids, logs[victim])
        time.sleep(1.5)
        for writer in writers:
            writer.send_signal(signal.SIGKILL)
            writer.wait()
            kills += 1
        acknowledged = _acknowledged(logs)
        found = _count_notes(env, ids["case"])
        verified = run(env, "verify")
    stored = found["bodies"]
    assert kills == ROUNDS + WRITERS
    assert len(acknowledged) > 20, "the writers should have acknowledged some writes"
    assert not set(acknowledged) - set(stored), "an acknowledged write was lost"
    assert len(stored) == len(set(stored)), "a write was stored twice"
    assert found["entries"] == len(stored), "every note has exactly one ledger entry"
    assert found["ok"], found["failure"]
    assert verified.returncode == 0, verified.stdout + verified.stderr
