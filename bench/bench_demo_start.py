"""How long the README's first command takes to serve its first page.

Runs ``dueprocess demo`` on an empty data directory (SQLite), as someone trying the project
would, and asks for ``/`` every half second until it answers 200; prints the seconds until then,
then waits for the demo to finish building its cases in the background and prints the build
time the demo itself reports and the seconds until the whole demo was there, and the load
average (the figures mean little without it on a shared machine). The issue's target is a
first page in under 30 s.

    python bench/bench_demo_start.py            # the README's demo: 300 cases
    python bench/bench_demo_start.py --cases 3  # a smoke run
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def answers(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except OSError:
        return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--timeout", type=float, default=1800)
    args = parser.parse_args()
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="dueprocess-demo-start-") as scratch:
        env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)}
        env.pop("DATABASE_URL", None)
        env |= {"DUEPROCESS_DATA_DIR": str(Path(scratch) / "data"), "PYTHONUNBUFFERED": "1"}
        log = Path(scratch) / "demo.log"
        command = [sys.executable, "-m", "dueprocess.cli", "demo", "--cases", str(args.cases)]
        with log.open("w") as out:
            started = time.monotonic()
            process = subprocess.Popen(
                [*command, "--port", str(port)], env=env, stdout=out, stderr=subprocess.STDOUT
            )
            try:
                status = None
                while status != 200:
                    if process.poll() is not None:
                        raise SystemExit(f"the demo stopped:\n{log.read_text()[-3000:]}")
                    if time.monotonic() - started > args.timeout:
                        raise SystemExit(f"no page after {args.timeout:.0f} s")
                    time.sleep(0.5)
                    status = answers(f"http://127.0.0.1:{port}/")
                first = time.monotonic() - started
                while "The demo is built." not in log.read_text():
                    if process.poll() is not None:
                        raise SystemExit(f"the demo stopped:\n{log.read_text()[-3000:]}")
                    if time.monotonic() - started > args.timeout:
                        raise SystemExit(f"not built after {args.timeout:.0f} s")
                    time.sleep(0.5)
                whole = time.monotonic() - started
            finally:
                process.send_signal(signal.SIGTERM)  # the demo stops its witness with it
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
        built = re.search(r"events in ([\d.]+) s", log.read_text())
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"demo of {args.cases} cases on {os.cpu_count()} cores, load average {load}")
    print(f"build (as the demo reports it): {built.group(1) if built else '?'} s")
    print(f"first page (200) after: {first:.1f} s (target: under 30 s)")
    print(f"the whole demo built (served meanwhile) after: {whole:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
