"""Concurrent requests on real connections: one transition wins, references stay dense, the
ledger stays dense and verifiable. Meaningful on PostgreSQL (row locks); run on SQLite too."""

from __future__ import annotations

import pytest

from tests.scratch import run_json, scratch_env

pytestmark = pytest.mark.slow


def test_racing_requests_never_double_transition_and_keep_the_ledger_dense(tmp_path):
    with scratch_env(tmp_path) as env:
        report = run_json(env, "-m", "tests.race_worker", "8")
    assert report["outcomes"].count("ok") == 1
    # The losers find the case already accepted: either the step is no longer available, or —
    # since intake officers see cases only while in intake — the case is no longer theirs.
    assert set(report["outcomes"]) <= {"ok", "IllegalTransition", "NotFound"}
    assert report["accept_changes"] == 1 and report["stage"] == "investigation"
    numbers = sorted(int(ref.rsplit("-", 1)[1]) for ref in report["references"])
    assert len(numbers) == 8 and numbers == list(range(numbers[0], numbers[0] + 8))
    assert report["ledger_ok"], report["ledger_failure"]
