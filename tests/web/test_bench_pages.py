"""The page benchmark runs end to end at a tiny size, so it cannot rot, and it still holds its
one hard line: the query count of each page does not grow with the number of cases."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "bench_pages.py"


@pytest.mark.slow
def test_the_page_benchmark_measures_every_page_at_two_sizes(tmp_path):
    env = {
        k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")
    }
    result = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--baseline",
            "12",
            "--cases",
            "150",
            "--repeat",
            "2",
            "--data",
            str(tmp_path),
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    figures = json.loads(result.stdout)
    assert set(figures["baseline"]) == set(figures["scaled"])
    assert len(figures["scaled"]) == 7
    for page, scaled in figures["scaled"].items():
        assert scaled["cases"] == 150 and figures["baseline"][page]["cases"] < 150
        assert scaled["queries"] == figures["baseline"][page]["queries"], page
        assert 0 < scaled["median_ms"] <= scaled["p95_ms"]
