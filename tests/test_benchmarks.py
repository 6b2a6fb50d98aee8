"""Every benchmark script runs end to end at a tiny size, so none of them can rot.

The figures they print at full size are recorded in the docs; here only that they run and
report their ratios is checked (timings at this size mean nothing).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
pytestmark = pytest.mark.slow


def run_bench(script: str, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, str(BENCH / script), *args],
        capture_output=True,
        text=True,
        timeout=600,
        stdin=subprocess.DEVNULL,
        env={
            k: v
            for k, v in __import__("os").environ.items()
            if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")
        },
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_the_ledger_benchmark_reports_its_three_ratios():
    out = run_bench(
        "bench_ledger.py", "--entries", "3000", "--transitions", "10", "--proofs", "500"
    )
    assert "transition with ledger" in out and "ratio" in out
    assert "of the hashlib rate" in out
    assert "checks/s; longest proof" in out


def test_the_state_benchmark_reconciles_bulk_data_and_reports_its_ratio():
    out = run_bench("bench_state.py", "--cases", "200", "--repeat", "1")
    assert "committed" in out and "rows in" in out
    assert "with it:" in out and "reconciliation share" in out


def test_the_tile_benchmark_reports_reads_per_proof():
    out = run_bench(
        "bench_tiles.py", "--sizes", "300,3000", "--proofs", "20", "--server-entries", "700"
    )
    assert "reads per proof at 3000 entries vs 300: ratio" in out
    assert "faster" in out
    assert "computing every full tile once: 2 tiles" in out and "a kept full level-0 tile" in out


def test_the_dossier_benchmark_reports_its_ratio_and_figure():
    out = run_bench("bench_dossier.py", "--rows", "12", "--register", "10")
    assert "ratio:" in out and "import (one transaction):" in out
    assert "9 of 12 respondents are not members" in out


def test_the_demo_start_benchmark_reports_the_first_page():
    out = run_bench("bench_demo_start.py", "--cases", "3")
    assert re.search(r"build \(as the demo reports it\): [\d.]+ s", out), out
    assert re.search(r"first page \(200\) after: [\d.]+ s", out), out
    assert re.search(r"the whole demo built \(served meanwhile\) after: [\d.]+ s", out), out


def test_the_access_benchmark_reports_a_decision_against_a_single_row_read():
    out = run_bench("bench_access.py", "--rounds", "5")
    assert re.search(r"access decision \(Gate\): median \d+\.\d+ ms", out), out
    assert re.search(r"ratio: \d+\.\d single-row reads per decision", out), out
