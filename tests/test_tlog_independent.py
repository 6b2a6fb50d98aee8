"""``dueprocess.tlog`` stands on its own: no Django, nothing else of dueprocess."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

TLOG = Path(__file__).resolve().parents[1] / "src" / "dueprocess" / "tlog"


def _imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


def test_no_module_of_the_package_imports_django_or_the_rest_of_dueprocess() -> None:
    found = {
        f"{path.name}: {name}"
        for path in sorted(TLOG.glob("*.py"))
        for name in _imports(path)
        if name.split(".")[0] == "django"
        or (name.startswith("dueprocess") and not name.startswith("dueprocess.tlog"))
    }
    assert found == set()


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


def test_a_seeded_django_import_would_be_caught(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from django.db import models\nimport dueprocess.ledger.store\n")
    assert _imports(bad) == ["django.db", "dueprocess.ledger.store"]
