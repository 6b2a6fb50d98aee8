"""The layering of the apps, read from the source: which part of dueprocess may import which.

Every module under ``src/dueprocess`` is parsed with ``ast`` and every import is collected —
at module level and inside functions alike (a deferred import is still a dependency, only a
hidden one). The rules, from the bottom up (``docs/architecture.md``):

- ``tlog`` imports no Django and nothing of dueprocess but itself, so it could be published on
  its own (and it imports with Django unimportable).
- ``ledger`` imports none of the domain apps or channels (``access``, ``cases``, ``parties``,
  ``letters``, ``evidence``, ``web``, ``api``, ``oversight``): what it records is the caller's
  business. Imports under ``if TYPE_CHECKING:`` are allowed: they name a type in an
  annotation (``record(case=...)`` takes a ``Case``) and never run, so they add no dependency
  at run time and no import cycle.
- ``access`` imports no channel and no oversight; of ``cases`` it reads only the models.
- ``cases`` imports no channel and no oversight.
- The two channels, ``web`` and ``api``, do not import each other: what both need (the second
  factor policy, the case read model, the gate) lives below them.

The one documented exception the layering needs is ``access`` -> ``cases.models``: the access
facts are facts about cases (who is assigned, recused, a party), while the case services call
the gates. Everything else of ``cases`` (services, reads) stays above ``access``.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "dueprocess"

DOMAIN_AND_CHANNELS = ("access", "cases", "parties", "letters", "evidence", "web", "api")
CHANNELS_AND_OVERSIGHT = ("web", "api", "oversight")
#: The one import the layering needs against its direction (see the module's docstring).
DOCUMENTED_EXCEPTION = ("access", "dueprocess.cases.models")


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, dotted
    name: str  # what it imports, dotted and absolute
    line: int
    type_only: bool  # under ``if TYPE_CHECKING:``


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_of(path: Path, module: str = "") -> list[Import]:
    """Every import in the file, at any depth, with relative imports made absolute."""
    module = module or _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[Import] = []

    def visit(node: ast.AST, type_only: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                for item in child.body:
                    visit_one(item, True)
                for item in child.orelse:
                    visit_one(item, type_only)
            else:
                visit_one(child, type_only)

    def visit_one(node: ast.AST, type_only: bool) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.append(Import(module, alias.name, node.lineno, type_only))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            names = [f"{base}.{alias.name}" for alias in node.names] if base else []
            # ``from dueprocess.cases import services`` imports the module cases.services;
            # ``from x import name`` names something in x: both start with x.
            for name in names or [base]:
                found.append(Import(module, name, node.lineno, type_only))
        visit(node, type_only)

    visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)), False)
    return found


def all_imports() -> list[Import]:
    return [found for path in sorted(PACKAGE.rglob("*.py")) for found in imports_of(path)]


def _in(name: str, app: str) -> bool:
    return name == f"dueprocess.{app}" or name.startswith(f"dueprocess.{app}.")


def breaches(imports: list[Import]) -> list[str]:
    """Each import that breaks a rule of the module docstring, as ``module:line -> name``."""
    wrong = []
    for found in imports:
        app = found.module.split(".")[1] if found.module.count(".") else ""
        name = found.name
        if app == "tlog":
            bad = name.split(".")[0] == "django" or (
                name.split(".")[0] == "dueprocess" and not _in(name, "tlog")
            )
        elif app == "ledger":
            bad = not found.type_only and any(
                _in(name, other) for other in (*DOMAIN_AND_CHANNELS, "oversight")
            )
        elif app == "access":
            bad = any(_in(name, other) for other in CHANNELS_AND_OVERSIGHT) or (
                _in(name, "cases") and not _in(name, DOCUMENTED_EXCEPTION[1].split(".", 1)[1])
            )
        elif app == "cases":
            bad = any(_in(name, other) for other in CHANNELS_AND_OVERSIGHT)
        elif app in ("web", "api"):
            bad = _in(name, "api" if app == "web" else "web")
        else:
            bad = False
        if bad:
            wrong.append(f"{found.module}:{found.line} -> {name}")
    return wrong


def test_no_app_imports_against_the_layering() -> None:
    assert breaches(all_imports()) == []


def test_the_scan_sees_every_module_and_imports_inside_functions() -> None:
    imports = all_imports()
    modules = {found.module for found in imports}
    assert {"dueprocess.tlog.merkle", "dueprocess.ledger.record", "dueprocess.cases.worklists"} <= (
        modules
    )
    # commands import Django's setup inside their functions; the scan must see those too
    assert any(
        found.module == "dueprocess.commands.ledger" and found.name.startswith("dueprocess.cases")
        for found in imports
    )


def test_a_seeded_forbidden_import_would_be_caught(tmp_path: Path) -> None:
    """Each rule fails on an import planted where it does not belong, at module level or in a
    function; the same import for a type only is allowed in the ledger, not elsewhere."""
    bad = tmp_path / "bad.py"
    planted = {
        "dueprocess.tlog.bad": "from django.db import models\n",
        "dueprocess.ledger.bad": "def f():\n    from dueprocess.access.rules import Gate\n",
        "dueprocess.access.bad": "from dueprocess.cases.services.common import lock_case\n",
        "dueprocess.cases.bad": "def f():\n    from ..web import people\n",
    }
    for module, source in planted.items():
        bad.write_text(source, encoding="utf-8")
        assert len(breaches(imports_of(bad, module))) == 1, module
    bad.write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
        "    from dueprocess.cases.models import Case\n",
        encoding="utf-8",
    )
    assert breaches(imports_of(bad, "dueprocess.ledger.bad")) == []
    bad.write_text("from dueprocess.cases.models import Case\nimport dueprocess.tlog.merkle\n")
    assert breaches(imports_of(bad, "dueprocess.access.bad")) == []
    assert breaches(imports_of(bad, "dueprocess.tlog.bad")) == [
        "dueprocess.tlog.bad:1 -> dueprocess.cases.models.Case"
    ]


def test_the_package_imports_and_works_with_django_unimportable() -> None:
    script = (
        "import sys; sys.modules['django'] = None\n"
        "from dueprocess.tlog import merkle, monitor, note, policy, prooftree, tiles, tlogproof\n"
        "from dueprocess.tlog import witness\n"
        "leaves = [merkle.leaf_hash(bytes([i])) for i in range(5)]\n"
        "root = merkle.root_from_leaf_hashes(leaves)\n"
        "pair = merkle.root_from_leaf_hashes(leaves[:2])\n"
        "assert merkle.node_hash(leaves[0], leaves[1]) == pair\n"
        "print(root.hex())\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.strip()) == 64
