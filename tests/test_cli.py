"""The ``dueprocess`` command, run as a user runs it: in a subprocess, on its own database."""

from __future__ import annotations

import contextlib
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from dueprocess.rulebooks import bundled
from tests.browserless import Client
from tests.scratch import free_port, run, scratch_env, serving


def test_rulebook_check_accepts_a_valid_file(tmp_path):
    result = run({}, "rulebook", "check", str(bundled("party")))
    assert result.returncode == 0, result.stderr
    assert "valid" in result.stdout and "sha256" in result.stdout


def test_rulebook_check_names_every_problem_and_exits_non_zero(tmp_path: Path):
    broken = tmp_path / "broken.toml"
    text = bundled("party").read_text().replace("acknowledge_days = 7", "acknowledge_days = 0")
    broken.write_text(text.replace('to = "triage"', 'to = "limbo"', 1))
    result = run({}, "rulebook", "check", str(broken))
    assert result.returncode == 1
    assert "broken.toml: 2 problems" in result.stderr
    assert f"{broken}: deadlines.acknowledge_days: must be at least 1, not 0" in result.stderr
    assert "transitions[0].to: unknown stage 'limbo'" in result.stderr


def test_an_unknown_command_exits_non_zero():
    assert run({}, "frobnicate").returncode == 2


@pytest.mark.slow
def test_init_creates_keys_and_an_administrator_once(tmp_path):
    with scratch_env(tmp_path) as env:
        first = run(
            env,
            "init",
            "--admin-email",
            "boss@example.org",
            "--admin-password",
            "a long passphrase 1",
        )
        assert first.returncode == 0, first.stderr
        assert "administrator: boss@example.org" in first.stdout
        data = Path(env["DUEPROCESS_DATA_DIR"])
        signing = data / "ledger-signing.key"
        assert signing.stat().st_mode & 0o777 == 0o600
        assert (data / "ledger.vkey").read_text().startswith("dueprocess.invalid/ledger/v1+")
        again = run(env, "init")
        assert again.returncode == 0 and "Already initialised" in again.stdout


def test_init_refuses_a_rulebook_that_does_not_exist(tmp_path):
    with scratch_env(tmp_path) as env:
        result = run(env, "init", "--rulebook", str(tmp_path / "missing.toml"))
    assert result.returncode == 2 and "does not exist" in result.stderr


@pytest.mark.slow
def test_demo_builds_a_backlog_that_a_case_manager_sees_after_serve(tmp_path):
    with scratch_env(tmp_path) as env:
        built = run(env, "demo", "--no-serve", "--cases", "40")
        assert built.returncode == 0, built.stderr
        assert re.search(r"Built .+: 40 cases", built.stdout)
        emails = re.findall(r"(\w+@northmoor\.example)", built.stdout)
        assert len(emails) >= 9 and "morgan@northmoor.example" in emails
        password = re.search(r"password for all: (\S+)\)", built.stdout).group(1)
        secrets = dict(
            re.findall(r"(\w+)@northmoor\.example\s+authenticator secret (\w+)", built.stdout)
        )
        assert "morgan" in secrets and "felix" in secrets
        with serving(env) as base:
            client = Client(base)
            status, html = client.sign_in(
                "morgan@northmoor.example", password, totp_secret=secrets["morgan"]
            )
            assert status == 200 and "My queue" in html
            status, html = client.get("/cases/")
            shown = int(re.search(r'results-heading">(\d+) cases<', html).group(1))
            assert shown >= 40
            references = re.findall(r"/cases/(C-\d{4}-\d{5})/", html)
            status, page = client.get(f"/cases/{references[0]}/")
            assert status == 200 and references[0] in page
            outsider = Client(base)
            outsider.sign_in("felix@northmoor.example", password, totp_secret=secrets["felix"])
            status, _ = outsider.get(f"/cases/{references[0]}/")
            assert status == 404
        # the demo's history and every view just made verify against the demo's own key
        verified = run(env, "verify")
        assert verified.returncode == 0, verified.stderr
        assert "ledger verified" in verified.stdout
        reused = run(env, "demo", "--no-serve", "--cases", "5")
        assert reused.returncode == 0, reused.stderr
        assert "Reusing the demo" in reused.stdout and "Built" not in reused.stdout


def test_demo_never_overwrites_a_database_that_is_not_a_demo(tmp_path):
    with scratch_env(tmp_path) as env:
        if "DATABASE_URL" in env:  # PostgreSQL: a database with an organisation is left alone
            assert run(env, "init").returncode == 0
            result = run(env, "demo", "--no-serve", "--cases", "3")
            assert result.returncode == 2 and "already holds an organisation" in result.stderr
            return
        data = Path(env["DUEPROCESS_DATA_DIR"])
        data.mkdir(parents=True)
        (data / "dueprocess.sqlite3").write_bytes(b"precious")
        result = run(env, "demo", "--no-serve", "--cases", "3")
        assert result.returncode == 2 and "not a demo" in result.stderr
        assert (data / "dueprocess.sqlite3").read_bytes() == b"precious"


def assert_private(data: Path) -> list[str]:
    """Every file under ``data`` is 0600 and every directory 0700, save the public ``*.vkey``."""
    assert data.stat().st_mode & 0o777 == 0o700
    seen = []
    for path in data.rglob("*"):
        mode = path.stat().st_mode & 0o777
        if path.is_dir():
            assert mode == 0o700, f"{path} is {mode:o}"
        elif path.suffix == ".vkey":
            assert mode & 0o022 == 0, f"{path} is {mode:o}"  # readable, never writable by others
        else:
            assert mode == 0o600, f"{path} is {mode:o}"
        seen.append(path.name)
    return seen


def test_init_makes_the_data_directory_and_every_file_in_it_private(tmp_path):
    with scratch_env(tmp_path) as env:
        assert run(env, "init").returncode == 0
        seen = assert_private(Path(env["DUEPROCESS_DATA_DIR"]))
    assert {"ledger-signing.key", "ledger-kek.key", "ledger.vkey"} <= set(seen)
    if "DATABASE_URL" not in env:
        assert "dueprocess.sqlite3" in seen


@pytest.mark.slow
def test_an_existing_demo_is_reused_and_rebuilt_only_with_reset(tmp_path):
    with scratch_env(tmp_path) as env:
        built = run(env, "demo", "--no-serve", "--cases", "5")
        assert built.returncode == 0, built.stderr
        assert "Built " in built.stdout and "Deleting" not in built.stdout
        data = Path(env["DUEPROCESS_DATA_DIR"])
        assert_private(data)
        first_code = re.search(r"recovery code (\S+)", built.stdout).group(1)
        reused = run(env, "demo", "--no-serve", "--cases", "7")
        assert reused.returncode == 0, reused.stderr
        assert "Reusing the demo" in reused.stdout and "--reset" in reused.stdout
        assert "Built " not in reused.stdout
        # the same people, so the same unused recovery code: nothing was rebuilt
        assert re.search(r"recovery code (\S+)", reused.stdout).group(1) == first_code
        if "DATABASE_URL" in env:  # an append-only PostgreSQL database cannot be emptied
            reset = run(env, "demo", "--no-serve", "--reset", "--cases", "6")
            assert reset.returncode == 2 and "--reset cannot empty" in reset.stderr
            return
        reset = run(env, "demo", "--no-serve", "--reset", "--cases", "6")
        assert reset.returncode == 0, reset.stderr
        assert f"Deleting the demo in {data} and building a new one (--reset)" in reset.stdout
        assert re.search(r"Built .+: 6 cases", reset.stdout)
        assert_private(data)


@pytest.mark.slow
def test_a_demo_whose_build_did_not_finish_is_built_again_not_reused(tmp_path):
    with scratch_env(tmp_path) as env:
        data = Path(env["DUEPROCESS_DATA_DIR"])
        data.mkdir(parents=True)
        (data / "demo.marker").write_text("being built by dueprocess demo\n")
        on_sqlite = "DATABASE_URL" not in env
        if on_sqlite:  # the SQLite file is what an unfinished build leaves behind
            (data / "dueprocess.sqlite3").write_bytes(b"")
        result = run(env, "demo", "--no-serve", "--cases", "5")
        assert result.returncode == 0, result.stderr
        assert "Reusing the demo" not in result.stdout
        if on_sqlite:
            assert "building a new one (its last build did not finish)" in result.stdout
        assert re.search(r"Built .+: 5 cases", result.stdout)


def test_a_tiny_demo_builds_and_its_case_data_reconciles_with_the_ledger(tmp_path):
    with scratch_env(tmp_path) as env:
        built = run(env, "demo", "--no-serve", "--cases", "3")
        assert built.returncode == 0, built.stderr
        checked = run(env, "verify", "--state")
        assert checked.returncode == 0, checked.stderr
        assert "each match the ledger's latest commitment" in checked.stdout


@pytest.mark.slow
def test_report_prints_the_published_quarter_in_every_format(tmp_path):
    import json

    with scratch_env(tmp_path) as env:
        assert run(env, "demo", "--no-serve", "--cases", "40").returncode == 0
        result = run(env, "report", "--quarter", "2026Q3", "--format", "json")
        assert result.returncode == 0, result.stderr
        data = json.loads(result.stdout)
        assert data["quarter"] == "2026Q3" and data["suppression"]["threshold"] == 5
        cells = [r["count"] for s in data["sections"] for t in s["tables"] for r in t["rows"]]
        assert not [c for c in cells if isinstance(c, int) and 0 < c < 5]
        csv = run(env, "report", "--quarter", "2026Q3", "--format", "csv")
        assert csv.stdout.startswith("Quarter,Table,Row,Count")
        html = run(env, "report", "--quarter", "2026Q3", "--format", "html")
        assert "<svg" in html.stdout and "transparency report" in html.stdout
        pdf = tmp_path / "q3.pdf"
        written = run(env, "report", "--quarter", "2026Q3", "--format", "pdf", "--output", str(pdf))
        assert written.returncode == 0 and pdf.read_bytes().startswith(b"%PDF-")
        bad = run(env, "report", "--quarter", "2026Q5")
        assert bad.returncode == 2 and "not a quarter like 2026Q3" in bad.stderr


@contextlib.contextmanager
def demo_serving(env: dict[str, str], *args: str) -> Iterator[tuple[str, Path, subprocess.Popen]]:
    """``dueprocess demo *args`` serving on a free port: (base URL, its log, the process);
    stopped as the demo is (SIGTERM) on leaving."""
    port = free_port()
    log = Path(env["DUEPROCESS_DATA_DIR"]).parent / f"demo-{port}.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "dueprocess.cli", "demo", *args, "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        try:
            yield f"http://127.0.0.1:{port}", log, process
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()


def wait_for(check, process: subprocess.Popen, log: Path, seconds: float = 300):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()[-3000:]
        found = check()
        if found:
            return found
        time.sleep(0.3)
    raise AssertionError(f"gave up after {seconds} s:\n{log.read_text()[-3000:]}")


def page(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read().decode() if response.status == 200 else None
    except OSError:
        return None


@pytest.mark.slow
def test_the_demo_serves_while_it_builds_and_an_interrupted_build_is_built_again(tmp_path):
    with scratch_env(tmp_path) as env:
        data = Path(env["DUEPROCESS_DATA_DIR"])
        with demo_serving(env, "--cases", "60") as (base, log, process):
            html = wait_for(lambda: page(f"{base}/accounts/login/"), process, log)
            # the first page came while the cases were still being made, and says so
            assert re.search(r"The demo is still being built: \d+ of 60 cases", html)
            if "DATABASE_URL" not in env:
                assert (data / "demo.marker").read_text() == "being built by dueprocess demo\n"
            wait_for(lambda: "Building the demo: " in log.read_text(), process, log)
        output = log.read_text()
        # each phase says what it is doing, in order, with progress lines while it builds
        phases = ["Preparing the database", "Creating the organisation", "Serving on http"]
        assert [output.index(p) for p in phases] == sorted(output.index(p) for p in phases)
        assert re.search(r"Building the demo: \d+ of 60 cases opened \(\d+ of \d+ events\)", output)
        assert "The demo's build did not finish" in output and "Built " not in output
        again = run(env, "demo", "--no-serve", "--cases", "3")
        if "DATABASE_URL" in env:  # the cases made so far cannot be deleted from PostgreSQL
            assert again.returncode == 2 and "already holds an organisation" in again.stderr
            return
        assert again.returncode == 0, again.stderr
        assert "building a new one (its last build did not finish)" in again.stdout
        assert re.search(r"Built .+: 3 cases", again.stdout) and "Reusing" not in again.stdout


def built_cases(env: dict[str, str]) -> list[tuple[str, ...]]:
    import sqlite3

    database = Path(env["DUEPROCESS_DATA_DIR"]) / "dueprocess.sqlite3"
    with contextlib.closing(sqlite3.connect(database)) as db:
        rows = db.execute("SELECT reference, category, stage, summary FROM cases_case ORDER BY 1")
        return [tuple(row) for row in rows]


@pytest.mark.slow
def test_a_demo_built_in_the_background_is_the_demo_built_before_serving(tmp_path):
    (tmp_path / "served").mkdir()
    (tmp_path / "built").mkdir()
    with scratch_env(tmp_path / "served") as env:
        with demo_serving(env, "--cases", "8", "--seed", "11") as (_, log, process):
            wait_for(lambda: "The demo is built." in log.read_text(), process, log)
        served = log.read_text()
        assert (Path(env["DUEPROCESS_DATA_DIR"]) / "demo.marker").read_text().startswith("built")
        served_cases = built_cases(env) if "DATABASE_URL" not in env else []
    with scratch_env(tmp_path / "built") as env:
        built = run(env, "demo", "--no-serve", "--cases", "8", "--seed", "11")
        assert built.returncode == 0, built.stderr
        assert "Building the demo: " in built.stdout
        if "DATABASE_URL" not in env:
            assert built_cases(env) == served_cases and len(served_cases) >= 8
    summary = re.compile(r"Built .+: 8 cases from \d+ events")
    assert summary.search(served).group(0) == summary.search(built.stdout).group(0)


def test_the_web_application_starts_on_a_fresh_data_directory_without_a_warning(tmp_path):
    """The static files come from the package until ``collectstatic``: a fresh data directory
    (no ``static/`` in it yet) must not make the server warn at every start."""
    with scratch_env(tmp_path) as env:
        started = subprocess.run(
            [sys.executable, "-W", "error::UserWarning", "-c", "import dueprocess.wsgi"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert started.returncode == 0, started.stderr
        assert (Path(env["DUEPROCESS_DATA_DIR"]) / "static").is_dir()
