"""``dueprocess tick``, run as an operator runs it: the demo's queued letters go out on the first
tick that has DUEPROCESS_SMTP_URL, the deadlines are acted on once, and a checkpoint is signed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.letters.smtp import smtp_server
from tests.scratch import run, scratch_env

pytestmark = pytest.mark.slow


def test_the_first_tick_with_a_server_sends_the_demos_letters_once(tmp_path):
    with scratch_env(tmp_path) as env:
        built = run(env, "demo", "--no-serve", "--cases", "8")
        assert built.returncode == 0, built.stderr
        # the demo's own witness stops with the demo: these ticks run under a policy that
        # requires none (a tick that cannot reach a witness says so and exits 1)
        data = Path(env["DUEPROCESS_DATA_DIR"])
        (data / "ledger.policy").write_text(
            f"log {(data / 'ledger.vkey').read_text().strip()}\nquorum none\n"
        )
        first = run(env, "tick")
        assert first.returncode == 0, first.stderr
        assert "letters: no DUEPROCESS_SMTP_URL" in first.stdout
        assert "checkpoint size" in first.stdout
        waiting = re.search(r"deadlines: (\d+) reminders, (\d+) escalations", first.stdout)
        assert waiting is not None and int(waiting.group(2)) > 0
        with smtp_server() as mailbox:
            env["DUEPROCESS_SMTP_URL"] = mailbox.url
            second = run(env, "tick")
            assert second.returncode == 0, second.stderr
            sent = re.search(r"letters: (\d+) sent", second.stdout)
            assert sent is not None and int(sent.group(1)) > 0
            assert "deadlines: 0 reminders, 0 escalations" in second.stdout
            assert len(mailbox.messages) == int(sent.group(1))
            third = run(env, "tick")
            assert "letters: 0 sent" in third.stdout
            assert len(mailbox.messages) == int(sent.group(1))
