"""The letter template language: a ``Subject:`` line, a blank line, then the body, with facts
named as ``{{ name }}`` (the names in ``schema.LETTER_PLACEHOLDERS``, nothing else).

No logic, loops or filters on purpose: a template is a letter an organisation's staff can read
and edit, and every fact it may name is listed, so an unknown name (a typo that would print
nothing, or a fact the code does not have) is refused when the rulebook loads, with the file,
the line and the name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from dueprocess.rulebook.errors import RulebookIssue
from dueprocess.rulebook.schema import LETTER_PLACEHOLDERS

_PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
_SUBJECT = "Subject:"
MAX_TEMPLATE_BYTES = 64 * 1024


@dataclass(frozen=True)
class Template:
    subject: str
    body: str
    text: str


def check_template(text: str, source: str) -> list[RulebookIssue]:
    """Every problem in a template's text (unknown or malformed placeholders, no subject)."""
    issues: list[RulebookIssue] = []
    lines = text.splitlines()
    if not lines or not lines[0].startswith(_SUBJECT) or not lines[0][len(_SUBJECT) :].strip():
        issues.append(RulebookIssue(source, "line 1", "must start with a 'Subject: ...' line"))
    for number, line in enumerate(lines, start=1):
        for match in _PLACEHOLDER.finditer(line):
            name = match.group(1)
            if name not in LETTER_PLACEHOLDERS:
                known = ", ".join(sorted(LETTER_PLACEHOLDERS))
                issues.append(
                    RulebookIssue(
                        source,
                        f"line {number}",
                        f"unknown placeholder {name!r} (known placeholders: {known})",
                    )
                )
        rest = _PLACEHOLDER.sub("", line)
        if "{{" in rest or "}}" in rest:
            issues.append(
                RulebookIssue(source, f"line {number}", "has an unclosed '{{' or a stray '}}'")
            )
    return issues


def read_template(path: Path) -> tuple[Template | None, list[RulebookIssue]]:
    """The template at ``path`` and its problems (``None`` if there are any)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [RulebookIssue(str(path), "", f"cannot read letter template: {exc}")]
    if len(raw) > MAX_TEMPLATE_BYTES:
        limit = MAX_TEMPLATE_BYTES // 1024
        return None, [RulebookIssue(str(path), "", f"is larger than {limit} KiB")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [RulebookIssue(str(path), "", f"is not valid UTF-8 ({exc})")]
    issues = check_template(text, str(path))
    if issues:
        return None, issues
    return parse_template(text), []


def parse_template(text: str) -> Template:
    """Split a checked template into its subject and body."""
    first, _, body = text.partition("\n")
    return Template(subject=first[len(_SUBJECT) :].strip(), body=body.strip("\n"), text=text)


def fill(template: str, values: Mapping[str, str], *, escape: Callable[[str], str] = str) -> str:
    """``template`` with each ``{{ name }}`` replaced by ``escape(values[name])``."""
    return _PLACEHOLDER.sub(lambda m: escape(values.get(m.group(1), "")), template)
