"""``dueprocess staff``: a fresh installation staffed from the command line alone."""

from __future__ import annotations

import pytest

from tests.scratch import run, scratch_env

pytestmark = pytest.mark.slow


def _ok(env: dict[str, str], *args: str) -> str:
    result = run(env, *args)
    assert result.returncode == 0, (args, result.stderr)
    return result.stdout


def _refused(env: dict[str, str], *args: str) -> str:
    result = run(env, *args)
    assert result.returncode == 2, (args, result.stdout)
    return result.stderr


def test_a_fresh_install_is_staffed_through_the_cli_and_every_change_is_committed(tmp_path):
    with scratch_env(tmp_path) as env:
        _ok(env, "init", "--admin-email", "boss@example.org", "--admin-password", "a long pass 1")
        assert "added ivy@example.org" in _ok(
            env, "staff", "add", "ivy@example.org", "--name", "Ivy Investigator"
        )
        # bad input: a clear refusal, nothing written
        assert "already has an account" in _refused(
            env, "staff", "add", "ivy@example.org", "--name", "Ivy Again"
        )
        assert "Unknown role" in _refused(env, "staff", "grant", "ivy@example.org", "sleuth")
        assert "no account" in _refused(env, "staff", "grant", "nobody@example.org", "investigator")
        assert (
            "not a date"
            in run(
                env, "staff", "grant", "ivy@example.org", "investigator", "--from", "soon"
            ).stderr
        )
        assert "in the future" in _refused(
            env, "staff", "training", "ivy@example.org", "Casework", "--completed", "2999-01-01"
        )
        _ok(env, "staff", "grant", "ivy@example.org", "investigator", "--from", "2026-01-01")
        _ok(env, "staff", "training", "ivy@example.org", "Handling complaints", "--completed",
            "2026-01-02")  # fmt: skip
        listed = _ok(env, "staff", "list")
        line = next(row for row in listed.splitlines() if row.startswith("ivy@example.org"))
        assert "investigator" in line and "training records: 1" in line and "active" in line
        # separation of duties holds on the command line too
        assert "Separation of duties" in _refused(
            env, "staff", "grant", "ivy@example.org", "political_office"
        )
        _ok(env, "staff", "end-role", "ivy@example.org", "investigator")
        assert "does not hold" in _refused(
            env, "staff", "end-role", "ivy@example.org", "case_manager"
        )
        assert "daily digest for ivy@example.org: on" in _ok(
            env, "staff", "digest", "ivy@example.org", "--on"
        )
        assert "no account" in _refused(env, "staff", "digest", "nobody@example.org", "--off")
        assert run(env, "staff", "digest", "ivy@example.org").returncode == 2  # --on or --off
        _ok(env, "staff", "digest", "ivy@example.org", "--off")
        _ok(env, "staff", "deactivate", "ivy@example.org")
        assert "deactivated" in _ok(env, "staff", "list")
        checked = run(env, "verify")
        assert checked.returncode == 0, checked.stderr
        assert "each match the ledger's latest commitment" in checked.stdout
