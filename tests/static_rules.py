"""Project rules a linter does not know, checked over the source tree by the test suite.

Each rule names the few places allowed to break it and why; anything new that breaks one fails
``tests/test_static_rules.py`` until it is justified here. The rules:

- ``csrf-exempt``: no view turns off CSRF protection (cookies make a forged request possible).
- ``safe-filter``: no ``|safe`` or ``{% autoescape off %}`` in templates: user text is escaped.
- ``mark-safe``: no ``mark_safe`` / ``SafeString`` except where every text part is escaped first.
- ``raw-sql``: no hand-written SQL outside the ledger store, the verifier, the append-only
  triggers, the reporting SQL and the access facts' one query (everything else goes through
  the ORM; all of it is parameterised).
- ``case-query``: no query on the case table outside the access gate (``visible_cases``) and
  the places listed, so that nothing lists or finds cases around the access policy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src" / "dueprocess"

#: rule -> {path relative to src/dueprocess: why it may}
ALLOWED: dict[str, dict[str, str]] = {
    "csrf-exempt": {
        "api/urls.py": "the API authenticates by bearer token only, never by cookie",
    },
    "safe-filter": {},
    "mark-safe": {
        "oversight/charts.py": "SVG charts built from escaped labels and numbers",
    },
    "raw-sql": {
        "ledger/store.py": "the locked head row that gives dense sequence numbers",
        "ledger/verify.py": "checking every entry in the database (layout filters, density)",
        "ledger/scan.py": "streaming large tables in bounded memory",
        "ledger/checkpoints.py": "streaming the new entries checked before they are signed",
        "tlog/witness.py": "the witness's own small state table (SQLite, no Django)",
        "lib/append_only.py": "the append-only triggers (DDL)",
        "lib/backup.py": "a backup's own snapshot, read before Django may start (no ORM)",
        "oversight/ledger_counts.py": "reporting SQL over millions of entries",
        "oversight/sql.py": "reporting SQL building blocks",
        "access/facts.py": "a person's relations to one case, read on every request in one"
        " parameterised query (building it through the ORM cost most of each decision)",
    },
    "case-query": {
        "access/rules.py": "the access gate itself (visible_cases, case_for)",
        "cases/services/common.py": "locking the case a service was already allowed to change",
        "cases/services/opening.py": "creating a case and finding an idempotent repeat",
        "commands/ledger.py": "the operator's proof export by reference (no person, no policy)",
        "commands/panel.py": "the operator's re-run of a case's panel draws (no person, no policy)",
        "oversight/casework_figures.py": "aggregates for oversight, never case files",
        "oversight/transparency.py": "aggregates for the published report, never case files",
        "web/views/common.py": "re-reading a case the same request has just changed",
        "demo/build.py": "building the fictional demo data",
        "demo/interference_steps.py": "building the fictional demo data",
        "letters/deadlines.py": "the deadline engine's sweep of open cases (no person, no read)",
    },
}

PATTERNS: dict[str, tuple[str, re.Pattern[str]]] = {
    "csrf-exempt": ("*.py", re.compile(r"\bcsrf_exempt\b")),
    "safe-filter": ("*.html", re.compile(r"\|\s*safe\b|{%\s*autoescape\s+off")),
    "mark-safe": ("*.py", re.compile(r"\bmark_safe\s*\(|\bSafeString\s*\(")),
    "raw-sql": (
        "*.py",
        re.compile(
            r"\.(execute|executemany|executescript)\s*\(|\.raw\s*\(|\bRawSQL\s*\(|\.extra\s*\("
            r"|%\(expressions\)s"  # the SQL template of a database function
        ),
    ),
    "case-query": ("*.py", re.compile(r"\bCase\.(objects|_default_manager|_base_manager)\b")),
}


@dataclass(frozen=True)
class Violation:
    rule: str
    path: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.rule}: {self.text.strip()}"


def violations(
    root: Path = SOURCE, allowed: dict[str, dict[str, str]] = ALLOWED
) -> list[Violation]:
    """Every line under ``root`` that breaks a rule outside its allowed places."""
    found = []
    for rule, (glob, pattern) in PATTERNS.items():
        for path in sorted(root.rglob(glob)):
            relative = path.relative_to(root).as_posix()
            if "/migrations/" in f"/{relative}" or relative in allowed.get(rule, {}):
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if pattern.search(line) and not line.lstrip().startswith("#"):
                    found.append(Violation(rule, relative, number, line))
    return found
