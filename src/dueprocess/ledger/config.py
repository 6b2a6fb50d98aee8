"""Which witnesses the log reports to, and how many must cosign: a C2SP tlog-policy file.

The policy lives in the data directory as ``ledger.policy`` (or wherever
``DUEPROCESS_LEDGER_POLICY`` points). ``init`` writes one that lists only the log itself and
``quorum none``; an operator adds ``witness <name> <vkey> <url>`` lines and a quorum. Verifiers
outside the organisation use the same file format with their own trusted copy of the keys.
"""

from __future__ import annotations

import os
from pathlib import Path

from dueprocess.ledger import keys
from dueprocess.lib.datadir import ensure_data_dir
from dueprocess.tlog.policy import Policy, parse_policy

POLICY_FILE = "ledger.policy"


def policy_path() -> Path:
    configured = os.environ.get("DUEPROCESS_LEDGER_POLICY")
    return Path(configured) if configured else ensure_data_dir() / POLICY_FILE


def ensure_policy() -> Path:
    """Write the default policy (this log, no witnesses) if there is none yet."""
    path = policy_path()
    if not path.exists():
        path.write_text(default_policy_text(), encoding="utf-8")
    return path


def default_policy_text() -> str:
    return (
        "# tlog-policy for this ledger: add witnesses as `witness <name> <vkey> <url>`\n"
        "# and require them with `quorum <name>` or a group (see docs/ledger.md).\n"
        f"log {keys.vkey()}\n"
        "quorum none\n"
    )


#: Printed by ``init`` when the policy names no witness, and by ``verify`` on a log whose latest
#: checkpoint no witness has cosigned.
UNWITNESSED_WARNING = (
    "WARNING: this ledger is not witnessed. No independent witness holds its checkpoints, so an"
    " insider holding the log's signing key (the data directory) could rewrite or truncate its"
    " history, re-sign it, and `verify` would not notice. Add at least one witness run by"
    " someone else to the policy and require it with `quorum` (docs/ledger.md, section 4)."
)


def load_policy(path: Path | None = None) -> Policy:
    chosen = path or ensure_policy()
    return parse_policy(chosen.read_bytes())
