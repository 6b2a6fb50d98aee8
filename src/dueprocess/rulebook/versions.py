"""Install rulebook files as versions, and get the parsed rules of a stored version."""

from __future__ import annotations

import functools
from pathlib import Path

from dueprocess.rulebook.loader import load_rulebook, parse_rulebook
from dueprocess.rulebook.models import RulebookVersion
from dueprocess.rulebook.schema import Rulebook


def rulebook_install(*, path: str | Path) -> RulebookVersion:
    """Validate the file and store it as a version (idempotent for identical bytes)."""
    rules = load_rulebook(path)
    version, _ = RulebookVersion.objects.get_or_create(
        sha256=rules.sha256,
        defaults={"name": rules.name, "source": rules.source, "source_path": str(path)},
    )
    return version


def rules_for(version: RulebookVersion) -> Rulebook:
    return _parse_cached(version.sha256, version.source)


@functools.lru_cache(maxsize=32)
def _parse_cached(sha256: str, source: str) -> Rulebook:
    rules = parse_rulebook(source.encode("utf-8"), source=f"rulebook {sha256[:12]}")
    if rules.sha256 != sha256:
        raise RuntimeError(f"stored rulebook {sha256[:12]} no longer matches its hash")
    return rules
