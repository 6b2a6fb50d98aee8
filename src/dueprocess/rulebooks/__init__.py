"""Example rulebooks shipped with dueprocess (``party.toml``, ``university.toml``)."""

from pathlib import Path

RULEBOOK_DIR = Path(__file__).resolve().parent


def bundled(name: str) -> Path:
    """Path of a bundled rulebook by short name (``party`` or ``university``)."""
    path = RULEBOOK_DIR / f"{name}.toml"
    if not path.exists():
        available = ", ".join(sorted(p.stem for p in RULEBOOK_DIR.glob("*.toml")))
        raise FileNotFoundError(f"no bundled rulebook {name!r} (available: {available})")
    return path
