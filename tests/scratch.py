"""A scratch database of its own for tests that run real commands in subprocesses.

The suite's test database lives inside a transaction that is rolled back; a command run in a
subprocess needs a database it can commit to. On SQLite that is a file in a temporary data
directory; on PostgreSQL a database created for the test and dropped afterwards (the
append-only triggers forbid emptying the tables, which is the point of them).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit


def backend() -> str:
    return os.environ.get("DUEPROCESS_TEST_BACKEND", "sqlite")


@contextlib.contextmanager
def scratch_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    env = {
        k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")
    }
    env["DUEPROCESS_DATA_DIR"] = str(tmp_path / "data")
    env["PYTHONUNBUFFERED"] = "1"
    if backend() != "postgres":
        yield env
        return
    with postgres_database(os.environ["DUEPROCESS_TEST_POSTGRES"]) as url:
        env["DATABASE_URL"] = url
        yield env


@contextlib.contextmanager
def postgres_database(server_url: str, *, template: str = "") -> Iterator[str]:
    """A throw-away PostgreSQL database on the server of ``server_url`` (optionally a copy of
    ``template``); yields its URL and drops it afterwards."""
    import psycopg

    base = urlsplit(server_url)
    name = f"dueprocess_scratch_{secrets.token_hex(4)}"
    admin = urlunsplit(base._replace(path="/postgres"))
    copy = f' TEMPLATE "{template}"' if template else ""
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"{copy}')
        # a throw-away database: commits need not wait for the disk (see tests/settings.py)
        conn.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    try:
        yield urlunsplit(base._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(env: dict[str, str], *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run ``dueprocess *args`` with ``env`` (``{}``: an outsider with no database), always on
    the code under test (the caller's ``PYTHONPATH`` is kept)."""
    if "PYTHONPATH" in os.environ and "PYTHONPATH" not in env:
        env = {**env, "PYTHONPATH": os.environ["PYTHONPATH"]}
    return subprocess.run(
        [sys.executable, "-m", "dueprocess.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def run_json(env: dict[str, str], *argv: str, timeout: float = 600) -> Any:
    """Run ``python *argv`` on the scratch database; it must succeed and print JSON on its last
    line, which is returned."""
    done = subprocess.run(
        [sys.executable, *argv],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def serving(
    env: dict[str, str],
    port: int | None = None,
    *,
    options: tuple[str, ...] = (),
    module: str = "dueprocess.cli",
) -> Iterator[str]:
    """Run ``dueprocess serve`` (with ``options``; through ``module``, a wrapper of the command
    line, if given) and yield its base URL once it accepts connections."""
    port = port or free_port()
    # The server's output goes to a file: a pipe nobody reads fills up and stalls the server.
    log_path = Path(env["DUEPROCESS_DATA_DIR"]).parent / f"serve-{port}.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", module, "serve", "--port", str(port), *options],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                if process.poll() is not None:
                    raise RuntimeError(f"server exited: {log_path.read_text()}")
                with (
                    contextlib.suppress(OSError),
                    socket.create_connection(("127.0.0.1", port), 0.2),
                ):
                    break
                time.sleep(0.1)
            else:
                raise RuntimeError("server did not start within 60 s")
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
