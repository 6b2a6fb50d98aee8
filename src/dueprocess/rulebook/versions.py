"""Install rulebook files as versions, and get the parsed rules of a stored version."""

from __future__ import annotations

import functools
from pathlib import Path

from dueprocess.lib.datadir import data_dir
from dueprocess.rulebook.loader import load_rulebook, parse_rulebook
from dueprocess.rulebook.models import RulebookVersion
from dueprocess.rulebook.schema import Rulebook


def rulebook_install(*, path: str | Path) -> RulebookVersion:
    """Validate the file and store it as a version (idempotent for identical bytes).

    Its letter templates are checked too, the organisation's own versions in the data
    directory's ``letters/`` folder first (see ``letter_template_dirs``)."""
    rules = load_rulebook(path, letters_override=data_dir())
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


def letter_template_dirs(version: RulebookVersion) -> tuple[Path, ...]:
    """Where the letter templates of ``version`` are looked for, in order: the organisation's
    own (the data directory), the folder the rulebook was installed from, the bundled one."""
    from dueprocess.rulebooks import RULEBOOK_DIR

    dirs = [data_dir()]
    if version.source_path:
        dirs.append(Path(version.source_path).resolve().parent)
    dirs.append(RULEBOOK_DIR)
    return tuple(dirs)
