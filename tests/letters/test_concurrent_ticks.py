"""Two or more ticks at once take each deadline action once and send each letter once.
Meaningful on PostgreSQL (row locks, concurrent inserts); run on SQLite too."""

from __future__ import annotations

import pytest

from tests.scratch import run_json, scratch_env

pytestmark = pytest.mark.slow


def test_concurrent_ticks_act_once_per_deadline_and_send_each_letter_once(tmp_path):
    with scratch_env(tmp_path) as env:
        report = run_json(env, "-m", "tests.letters.tick_worker", "4")
    assert report["errors"] == []
    assert report["claims"] == report["claim_keys"]
    # three unacknowledged cases: one escalation of the acknowledgement each, to one head
    assert report["notices"] == 3
    # ... and of the stage's due date: two per case, whatever the number of ticks
    assert report["escalated_cases"] == 3 and report["escalated_entries"] == 6
    assert report["letters"] == 3
    assert report["sent"] == report["sent_entries"] == 3
    assert report["received"] == report["distinct_received"] == 3
