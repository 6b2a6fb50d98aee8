"""The demo's own witness: a separate ``dueprocess witness serve`` process with its own key and
its own data directory beside (never inside) the app's, started and stopped with the demo.

A witness stands for someone outside the organisation, so nothing of it lives in the app's data
directory: its key and its SQLite state are in ``<data dir>-witness/`` (or
``DUEPROCESS_DEMO_WITNESS_DIR``). The demo writes a policy naming it with quorum 1, so its log is
cosigned from the first checkpoint, and a new demo gets a new witness (the old one would rightly
refuse a new log under the same key).
"""

from __future__ import annotations

import contextlib
import os
import re
import select
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from dueprocess.commands.setup import CommandError

#: The witness's key name: who it is, as it appears on every cosignature line.
WITNESS_NAME = "witness.example.org/dueprocess-demo"
#: Its name in the demo's policy (``witness <name> <vkey> <url>``, ``quorum <name>``).
POLICY_NAME = "demo-witness"
MARKER = "demo-witness.marker"
KEY_FILE = "witness.key"
VKEY_FILE = "witness.vkey"
STATE_FILE = "witness.sqlite3"
LOG_FILE = "witness.log"
#: How long the witness may take to start listening.
START_TIMEOUT = 20.0
_LISTENING = re.compile(r"^witness \S+ for .+ on (http://\S+?)/?$")


def witness_dir(data_dir: Path) -> Path:
    configured = os.environ.get("DUEPROCESS_DEMO_WITNESS_DIR")
    if configured:
        return Path(configured).expanduser().resolve()
    return data_dir.parent / f"{data_dir.name}-witness"


def prepare(data_dir: Path, *, fresh: bool) -> Path:
    """The witness's directory with its key: a new one for a new demo (the previous demo's
    witness, if any, is deleted), the existing one when a demo is reused."""
    directory = witness_dir(data_dir)
    if directory == data_dir or data_dir in directory.parents:
        raise CommandError(f"the demo's witness directory {directory} must be outside {data_dir}")
    if directory.exists() and not (directory / MARKER).exists() and any(directory.iterdir()):
        raise CommandError(
            f"{directory} exists and is not a demo witness's; set DUEPROCESS_DEMO_WITNESS_DIR to"
            " an empty directory"
        )
    if fresh and directory.exists():
        shutil.rmtree(directory)
    if not fresh and not (directory / KEY_FILE).exists():
        raise CommandError(
            f"the demo's witness ({directory}) is gone, so its cosignatures cannot be continued;"
            " build a new demo with `dueprocess demo --reset`"
        )
    if not directory.exists():
        from dueprocess.lib.datadir import write_secret
        from dueprocess.tlog.note import generate_cosigner_key

        directory.mkdir(parents=True)
        directory.chmod(0o700)
        (directory / MARKER).write_text("the witness of a dueprocess demo\n")
        skey, vkey = generate_cosigner_key(WITNESS_NAME)
        write_secret(directory / KEY_FILE, skey.encode("ascii"))
        (directory / VKEY_FILE).write_text(vkey + "\n", encoding="ascii")
        (directory / VKEY_FILE).chmod(0o644)
    return directory


@dataclass
class DemoWitness:
    directory: Path
    process: subprocess.Popen[str]
    vkey: str
    url: str = ""

    def ready(self) -> str:
        """Wait until the witness listens; its URL."""
        if self.url:
            return self.url
        assert self.process.stdout is not None
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            readable, _, _ = select.select([self.process.stdout], [], [], 0.1)
            if readable:
                line = self.process.stdout.readline()
                match = _LISTENING.match(line.strip())
                if match:
                    self.url = match.group(1)
                    return self.url
                if not line and self.process.poll() is not None:
                    break
        self.stop()
        log = (self.directory / LOG_FILE).read_text(errors="replace").strip()
        raise CommandError(f"the demo's witness did not start: {log or 'no output'}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


def start(directory: Path, log_vkey: str) -> DemoWitness:
    """Start ``dueprocess witness serve`` for this log on a free loopback port (it stops by
    itself if the demo's process dies without stopping it)."""
    log = (directory / LOG_FILE).open("a")
    with contextlib.closing(log):
        process = subprocess.Popen(  # noqa: S603 (our own command, no shell)
            [
                sys.executable,
                "-m",
                "dueprocess.cli",
                "witness",
                "serve",
                "--key",
                str(directory / KEY_FILE),
                "--log",
                log_vkey,
                "--db",
                str(directory / STATE_FILE),
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--stop-with-parent",
            ],
            stdout=subprocess.PIPE,
            stderr=log,
            stdin=subprocess.DEVNULL,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    vkey = (directory / VKEY_FILE).read_text(encoding="ascii").strip()
    return DemoWitness(directory, process, vkey)


def policy_text(log_vkey: str, witness: DemoWitness) -> str:
    return (
        "# tlog-policy of the dueprocess demo: its log, cosigned by the demo's own witness\n"
        "# (a separate process with its own key and data directory); one cosignature needed.\n"
        f"log {log_vkey}\n"
        f"witness {POLICY_NAME} {witness.vkey} {witness.ready()}\n"
        f"quorum {POLICY_NAME}\n"
    )
