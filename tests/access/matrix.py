"""The written access matrix (``case_matrix.csv``, ``organisation_matrix.csv``) as data.

These files are the oracle: written and reviewed by hand, checked against the policy in both
directions by ``test_matrix.py``, and rendered into ``docs/access.md`` by ``render.py``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
NORMAL_RELATIONS = (
    "unit_manager", "intake_queue", "assigned_investigator", "panel_member", "adviser",
    "signer", "emergency", "drawn_reviewer",
)  # fmt: skip


@dataclass(frozen=True)
class Row:
    role: str
    relation: str
    allowed: dict[str, bool]


def _read(name: str) -> tuple[list[str], list[dict[str, str]]]:
    with (HERE / name).open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def case_rows() -> tuple[list[str], list[Row]]:
    fields, rows = _read("case_matrix.csv")
    actions = fields[2:]
    return actions, [Row(r["role"], r["relation"], {a: r[a] == "Y" for a in actions}) for r in rows]


def organisation_rows() -> tuple[list[str], list[Row]]:
    fields, rows = _read("organisation_matrix.csv")
    actions = fields[1:]
    return actions, [Row(r["role"], "", {a: r[a] == "Y" for a in actions}) for r in rows]


def relations_for(relation: str) -> frozenset[str]:
    """The facts a matrix row stands for. Forbidding rows carry every other relation too, so
    they prove the forbid beats every permit (so does the first-instance row, which forbids only
    deciding again); the other-organisation row carries them all but
    membership of the organisation."""
    everything = {"same_organisation", *NORMAL_RELATIONS}
    if relation == "none":
        return frozenset({"same_organisation"})
    if relation == "recused":
        return frozenset(everything | {"recused"})
    if relation == "conflicted":
        return frozenset(everything | {"conflicted"})
    if relation == "conflict_with_case":
        return frozenset(everything | {"conflicted", "conflict_with_case"})
    if relation == "first_instance":
        return frozenset(everything | {"first_instance"})
    if relation == "other_organisation":
        return frozenset(everything - {"same_organisation"})
    return frozenset({"same_organisation", relation})
