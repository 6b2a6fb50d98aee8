"""``dueprocess demo`` runs its own witness: a separate process with its own key and data
directory, cosigning every checkpoint from the first; it stops with the demo."""

from __future__ import annotations

import contextlib
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from dueprocess.tlog.policy import parse_policy
from tests.browserless import Client
from tests.scratch import free_port, run, scratch_env

pytestmark = pytest.mark.slow
WITNESS = "witness.example.org/dueprocess-demo"


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def wait_until(check, seconds: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return bool(check())


def public_checkpoint(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/ledger/checkpoint", timeout=5) as r:
        return str(r.read().decode())


def checkpoint_counts(verified: str) -> tuple[int, int]:
    signed = int(re.search(r"checkpoints: (\d+) signatures valid", verified).group(1))
    cosigned = int(re.search(r"cosignatures: (\d+) verified", verified).group(1))
    return signed, cosigned


def test_the_demo_is_witnessed_by_a_separate_process_that_stops_with_it(tmp_path):
    with scratch_env(tmp_path) as env:
        data = Path(env["DUEPROCESS_DATA_DIR"])
        port = free_port()
        log_path = tmp_path / "demo.log"
        with log_path.open("w") as log:
            demo = subprocess.Popen(
                [sys.executable, "-m", "dueprocess.cli", "demo", "--cases", "5", "--tick", "0.5",
                 "--port", str(port)],
                env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            )  # fmt: skip
        try:

            def listening() -> bool:
                assert demo.poll() is None, log_path.read_text()
                with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port)):
                    return True
                return False

            assert wait_until(listening, 180), log_path.read_text()
            # it serves at once and builds the cases beside the server: wait for the whole demo
            built = lambda: "The demo is built." in log_path.read_text()  # noqa: E731
            assert wait_until(built, 300), log_path.read_text()
            output = log_path.read_text()
            pid = int(re.search(r"a separate process \(pid (\d+)\)", output).group(1))
            assert pid != demo.pid and alive(pid)
            witness_dir = data.parent / "data-witness"
            assert f"its own key and data in {witness_dir}" in output
            assert {"witness.key", "witness.vkey", "witness.sqlite3"} <= {
                p.name for p in witness_dir.iterdir()
            }
            assert not any(p.name.startswith("witness") for p in data.iterdir())
            policy = parse_policy((data / "ledger.policy").read_bytes())
            assert policy.quorum == "demo-witness"
            assert policy.witnesses["demo-witness"].verifier.name == WITNESS
            assert (witness_dir / "witness.vkey").read_text().strip() == (
                policy.witnesses["demo-witness"].verifier.vkey
            )
            public = public_checkpoint(port)
            assert f"\n— {WITNESS} " in public

            # a sign-in is recorded; the demo's own tick checkpoints and cosigns it within seconds
            size = int(public.split("\n")[1])
            password = re.search(r"password for all: (\S+)\)", output).group(1)
            secret = re.search(r"morgan@northmoor\.example\s+authenticator secret (\w+)", output)
            client = Client(f"http://127.0.0.1:{port}")
            status, _ = client.sign_in(
                "morgan@northmoor.example", password, totp_secret=secret.group(1)
            )
            assert status == 200
            status, html = client.get("/cases/")
            reference = re.findall(r"/cases/(C-\d{4}-\d{5})/", html)[0]

            def cosigned_beyond() -> bool:
                newest = public_checkpoint(port)
                return int(newest.split("\n")[1]) > size and f"\n— {WITNESS} " in newest

            assert wait_until(cosigned_beyond, 15)

            # a case proved while the demo runs checks with the witness's key and quorum 1
            bundle = tmp_path / "case.json"
            proved = run(env, "prove", reference, "--out", str(bundle))
            assert proved.returncode == 0, proved.stderr
            checked = run(
                {}, "check-proof", str(bundle), "--vkey", str(data / "ledger.vkey"),
                "--witness-vkey", str(witness_dir / "witness.vkey"), "--quorum", "1",
            )  # fmt: skip
            assert checked.returncode == 0, checked.stderr
            assert re.search(
                rf"signed time: {WITNESS} cosigned the checkpoint at \d{{4}}-\d\d-\d\dT",
                checked.stdout,
            )
            by_policy = run({}, "check-proof", str(bundle), "--policy", str(data / "ledger.policy"))
            assert by_policy.returncode == 0, by_policy.stderr
        finally:
            demo.terminate()
            demo.wait(30)
        assert wait_until(lambda: not alive(pid), 10), "the witness outlived the demo"

        verified = run(env, "verify")
        assert verified.returncode == 0, verified.stderr
        assert "quorum 'demo-witness' met" in verified.stdout
        assert f"cosigned by demo-witness at {time.gmtime().tm_year}" in verified.stdout
        signed, cosigned = checkpoint_counts(verified.stdout)
        assert signed == cosigned > 1  # every checkpoint cosigned, from the first
        assert "not witnessed" not in verified.stderr

        # with the demo stopped its witness is gone, so a new proof is refused, clearly
        refused = run(env, "prove", reference, "--out", str(bundle), "--wait", "1")
        assert refused.returncode == 1
        assert "did not cosign checkpoint" in refused.stderr and "unreachable" in refused.stderr


def test_a_reused_demo_keeps_its_witness_and_a_new_demo_gets_a_new_one(tmp_path):
    with scratch_env(tmp_path) as env:
        data = Path(env["DUEPROCESS_DATA_DIR"])
        built = run(env, "demo", "--no-serve", "--cases", "5")
        assert built.returncode == 0, built.stderr
        vkey = (data.parent / "data-witness" / "witness.vkey").read_text()
        pid = int(re.search(r"a separate process \(pid (\d+)\)", built.stdout).group(1))
        assert not alive(pid)  # --no-serve: the witness stopped with the demo
        reused = run(env, "demo", "--no-serve", "--cases", "5")
        assert reused.returncode == 0, reused.stderr
        assert "Reusing the demo" in reused.stdout
        assert (data.parent / "data-witness" / "witness.vkey").read_text() == vkey
        verified = run(env, "verify")
        assert verified.returncode == 0, verified.stderr
        signed, cosigned = checkpoint_counts(verified.stdout)
        assert signed == cosigned
        if "DATABASE_URL" in env:
            return  # a PostgreSQL demo cannot be reset (its tables are append-only)
        reset = run(env, "demo", "--no-serve", "--reset", "--cases", "5")
        assert reset.returncode == 0, reset.stderr
        assert (data.parent / "data-witness" / "witness.vkey").read_text() != vkey
        assert run(env, "verify").returncode == 0


def test_the_demo_refuses_a_witness_directory_that_is_not_a_demo_witness(tmp_path):
    with scratch_env(tmp_path) as env:
        foreign = tmp_path / "data-witness"
        foreign.mkdir()
        (foreign / "precious.txt").write_text("someone else's\n")
        result = run(env, "demo", "--no-serve", "--cases", "2")
        assert result.returncode == 2
        assert "is not a demo witness's" in result.stderr
        assert (foreign / "precious.txt").read_text() == "someone else's\n"
