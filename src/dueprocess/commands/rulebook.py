"""``dueprocess rulebook check FILE``: validate a rulebook, exit 0 when valid."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("rulebook", help="work with rulebook files")
    actions = parser.add_subparsers(dest="rulebook_command", required=True)
    check = actions.add_parser("check", help="validate a rulebook file")
    check.add_argument("file")
    check.add_argument(
        "--letters",
        type=Path,
        help="a folder with the organisation's own letter templates (its letters/*.txt)",
    )
    check.set_defaults(run=run_check)


def run_check(args: argparse.Namespace) -> int:
    from dueprocess.rulebook.errors import RulebookError
    from dueprocess.rulebook.loader import load_rulebook

    try:
        rules = load_rulebook(args.file, letters_override=args.letters)
    except RulebookError as error:
        count = len(error.issues)
        print(f"{args.file}: {count} problem{'s' if count != 1 else ''}", file=sys.stderr)
        for issue in error.issues:
            print(f"  {issue}", file=sys.stderr)
        return 1
    print(f"{args.file}: valid — {rules.name}")
    print(f"  sha256 {rules.sha256}")
    print(
        f"  {len(rules.categories)} categories, {len(rules.stages)} stages, "
        f"{len(rules.transitions)} transitions, {len(rules.sanctions)} sanctions, "
        f"{len(rules.letters)} letters"
    )
    return 0
