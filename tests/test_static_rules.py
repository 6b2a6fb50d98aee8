"""The project's own static rules (``tests/static_rules.py``) hold on the source tree, and each
rule catches a seeded violation."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.static_rules import ALLOWED, PATTERNS, SOURCE, violations


def test_the_source_tree_breaks_no_project_rule() -> None:
    found = violations()
    assert not found, "project rules broken:\n" + "\n".join(map(str, found))


def test_every_allowed_place_exists_and_still_needs_its_exception() -> None:
    for rule, places in ALLOWED.items():
        _, pattern = PATTERNS[rule]
        for relative in places:
            text = (SOURCE / relative).read_text(encoding="utf-8")
            assert pattern.search(text), f"{relative} no longer needs the {rule} exception"


SEEDED = {
    "csrf-exempt": ("web/views/bad.py", "@csrf_exempt\ndef view(request): ...\n"),
    "safe-filter": ("templates/web/bad.html", "<p>{{ case.summary|safe }}</p>\n"),
    "mark-safe": ("web/bad.py", "html = mark_safe(user_text)\n"),
    "raw-sql": ("cases/bad.py", "connection.cursor().execute(sql)\n"),
    "case-query": ("web/views/bad.py", "cases = Case.objects.all()\n"),
}


@pytest.mark.parametrize("rule", sorted(PATTERNS))
def test_a_seeded_violation_is_caught(tmp_path: Path, rule: str) -> None:
    relative, text = SEEDED[rule]
    path = tmp_path / relative
    path.parent.mkdir(parents=True)
    path.write_text(text)
    found = violations(tmp_path)
    assert [(v.rule, v.path, v.line) for v in found] == [(rule, relative, 1)]


def test_migrations_and_comments_are_not_flagged(tmp_path: Path) -> None:
    (tmp_path / "cases" / "migrations").mkdir(parents=True)
    (tmp_path / "cases" / "migrations" / "0001.py").write_text("Case.objects.all()\n")
    (tmp_path / "web.py").write_text("# never use csrf_exempt here\n")
    assert violations(tmp_path) == []
