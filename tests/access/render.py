"""Render the written matrix as Markdown into ``docs/access.md`` (between the markers).

python -m tests.access.render          # print
python -m tests.access.render --write  # update docs/access.md
"""

from __future__ import annotations

import sys
from pathlib import Path

from tests.access.matrix import case_rows, organisation_rows

DOC = Path(__file__).resolve().parents[2] / "docs" / "access.md"
START, END = "<!-- matrix:start -->", "<!-- matrix:end -->"


def render() -> str:
    actions, rows = organisation_rows()
    lines = ["#### Actions that concern no single case", "",
             "| role | " + " | ".join(f"`{a}`" for a in actions) + " |",
             "|---|" + "---|" * len(actions)]  # fmt: skip
    for row in rows:
        lines.append(
            f"| {row.role} | " + " | ".join("✓" if row.allowed[a] else "" for a in actions) + " |"
        )
    actions, rows = case_rows()
    lines += ["", "#### Actions on a case, by role and relation to the case", "",
              "| role | relation | " + " | ".join(f"`{a}`" for a in actions) + " |",
              "|---|---|" + "---|" * len(actions)]  # fmt: skip
    for row in rows:
        cells = " | ".join("✓" if row.allowed[a] else "" for a in actions)
        lines.append(f"| {row.role} | {row.relation} | {cells} |")
    return "\n".join(lines) + "\n"


def updated(text: str) -> str:
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    return f"{head}{START}\n{render()}{END}{tail}"


if __name__ == "__main__":
    if "--write" in sys.argv:
        DOC.write_text(updated(DOC.read_text(encoding="utf-8")), encoding="utf-8")
    else:
        print(render(), end="")
