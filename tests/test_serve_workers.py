"""``dueprocess serve --workers N``: a pre-fork server whose processes share one cache."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests.browserless import Client
from tests.scratch import free_port, run, scratch_env, serving

pytestmark = pytest.mark.slow


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _server_pid(port: int) -> int:
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                argv = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"serve" in argv and str(port).encode() in argv:
                return int(entry.name)
    raise AssertionError("no server process found")


def _init(env: dict[str, str]) -> None:
    made = run(env, "init", "--admin-email", "a@example.org", "--admin-password", "a long pass 1")
    assert made.returncode == 0, made.stderr


def test_several_workers_on_the_memory_cache_are_refused(tmp_path: Path) -> None:
    with scratch_env(tmp_path) as env:
        _init(env)
        env.pop("DUEPROCESS_CACHE", None)
        result = run(env, "serve", "--port", str(free_port()), "--workers", "2", timeout=60)
        assert result.returncode == 2
        assert "needs a cache the processes share" in result.stdout
        assert "DUEPROCESS_CACHE" in result.stdout


@pytest.mark.skipif(not Path("/proc").exists(), reason="counts worker processes through /proc")
def test_several_workers_serve_with_the_shared_database_cache(tmp_path: Path) -> None:
    with scratch_env(tmp_path) as env:
        env["DUEPROCESS_CACHE"] = "database"
        _init(env)
        port = free_port()
        with serving(env, port, options=("--workers", "2", "--threads", "2")) as base:
            client = Client(base)
            statuses = {client.get("/accounts/login/")[0] for _ in range(6)}
            assert statuses == {200}
            pid = _server_pid(port)
            deadline = time.monotonic() + 20
            while len(_children(pid)) < 2 and time.monotonic() < deadline:
                time.sleep(0.2)
            assert len(_children(pid)) == 2, "gunicorn should run two worker processes"
            assert pid != os.getpid()
