"""The dashboard benchmark runs end to end at a tiny size on either database, so it cannot rot.

Timings at this size mean nothing; the full-size figures are in ``docs/oversight.md``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.scratch import scratch_env

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_dashboard.py"
pytestmark = pytest.mark.slow


def test_the_dashboard_benchmark_times_every_figure_against_raw_sql(tmp_path):
    with scratch_env(tmp_path) as env:
        result = subprocess.run(
            [sys.executable, str(BENCH), "--cases", "300", "--entries", "3000", "--repeat", "1"],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            stdin=subprocess.DEVNULL,
        )
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    assert lines[0].startswith("filled 300 cases and 3,000 ledger entries")
    timed = {line.split()[0] for line in lines if line.endswith("x") and "ratio" not in line}
    assert {"backlog", "decisions", "channels", "consistency", "alerts"} <= timed
    assert any(line.startswith("dashboard page:") and "ratio" in line for line in lines)
