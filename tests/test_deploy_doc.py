"""Every environment variable the code reads is documented in docs/deploy.md, and only those."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src" / "dueprocess"
GUIDE = ROOT / "docs" / "deploy.md"
#: Any string that looks like one of the project's variables counts as a read (settings helpers
#: such as ``_flag("DUEPROCESS_DEBUG")`` or a name in a message), but not a prefix such as
#: ``DUEPROCESS_EMAIL_`` in "the DUEPROCESS_EMAIL_* variables".
PROJECT_NAME = re.compile(r"^DUEPROCESS_[A-Z0-9_]*[A-Z0-9]$")


def _is_environ(node: ast.expr) -> bool:
    """``os.environ`` or a bare ``environ``."""
    if isinstance(node, ast.Attribute) and node.attr == "environ":
        return True
    return isinstance(node, ast.Name) and node.id == "environ"


def _read_argument(node: ast.AST) -> ast.expr | None:
    """The name argument of an environment read, or None if ``node`` is not one."""
    if isinstance(node, ast.Call) and node.args:
        func = node.func
        if isinstance(func, ast.Attribute):
            if func.attr in ("get", "setdefault", "pop") and _is_environ(func.value):
                return node.args[0]
            if func.attr == "getenv":
                return node.args[0]
    if isinstance(node, ast.Subscript) and _is_environ(node.value):
        return node.slice
    if isinstance(node, ast.Compare) and any(_is_environ(c) for c in node.comparators):
        return node.left
    return None


def reads_in(source: str) -> tuple[set[str], set[str]]:
    """(names read, names of helper functions that read the variable their caller names)."""
    tree = ast.parse(source)
    names: set[str] = set()
    helpers: set[str] = set()
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef):
            continue
        parameters = {a.arg for a in function.args.args}
        for node in ast.walk(function):
            argument = _read_argument(node)
            if isinstance(argument, ast.Name) and argument.id in parameters:
                helpers.add(function.name)
    for node in ast.walk(tree):
        argument = _read_argument(node)
        if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
            names.add(argument.value)
        elif argument is not None and not isinstance(argument, ast.Name):
            raise AssertionError(f"an environment read with a computed name: {ast.unparse(node)}")
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in helpers
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names.add(str(node.args[0].value))
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            names.update(w for w in re.findall(r"\w+", node.value) if PROJECT_NAME.match(w))
    return names, helpers


def variables_read() -> set[str]:
    found: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        found |= reads_in(path.read_text(encoding="utf-8"))[0]
    return found


def variables_documented() -> set[str]:
    text = GUIDE.read_text(encoding="utf-8")
    table = text[text.index("## Environment variables") :]
    return set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", table, flags=re.MULTILINE))


def test_every_environment_variable_the_code_reads_is_documented_in_the_deploy_guide():
    read = variables_read()
    assert {"DUEPROCESS_DATA_DIR", "DATABASE_URL", "DUEPROCESS_DEBUG"} <= read  # the scan works
    undocumented = sorted(read - variables_documented())
    assert not undocumented, f"add these to the table in docs/deploy.md: {undocumented}"


def test_the_deploy_guide_documents_no_variable_the_code_does_not_read():
    stale = sorted(variables_documented() - variables_read())
    assert not stale, f"docs/deploy.md documents variables nothing reads: {stale}"


def test_the_scan_finds_every_way_of_reading_the_environment():
    source = """
import os
from os import environ
A = os.environ.get("ONE", "x")
B = os.getenv("TWO")
C = os.environ["THREE"]
D = environ.get("FOUR")
E = "FIVE" in os.environ
def _flag(name, default=False):
    return os.environ.get(name)
F = _flag("SIX")
G = int(helper_reading("DUEPROCESS_SEVEN"))
"""
    names, helpers = reads_in(source)
    assert helpers == {"_flag"}
    assert names == {"ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX", "DUEPROCESS_SEVEN"}
    assert "SIX" not in variables_documented()  # so a new read like it fails the first test
