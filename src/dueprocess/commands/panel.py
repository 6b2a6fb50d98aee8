"""``dueprocess panel redraw REF [--org SLUG]``: run each of a case's panel draws again from
the inputs kept with it (the checkpoint, the seed, the pool); say if it gives the same panel.
Each independent review's draw of reviewers (docs/reviews.md) is run again the same way.

Exit status 0 when every draw gives the panel that was seated (and its seed is the one its
checkpoint gives), 1 when one does not, 2 when the case is unknown. Members are shown by the
pseudonyms the ledger names them by; panels appointed by name are listed with their reason.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from dueprocess.commands.setup import CommandError, django_setup, require_migrated

if TYPE_CHECKING:
    from dueprocess.cases.models import Case


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("panel", help="re-run a case's panel draws from the ledger's inputs")
    actions = parser.add_subparsers(dest="panel_command", required=True)
    again = actions.add_parser("redraw", help="re-run a case's panel draws and compare")
    again.add_argument("reference", help="the case reference")
    again.add_argument("--org", default="", help="the organisation's slug, if several")
    again.set_defaults(run=run_redraw)


def run_redraw(args: argparse.Namespace) -> int:
    django_setup()
    require_migrated()
    from dueprocess.cases.models import Case, PanelConstitution
    from dueprocess.cases.services.panels import panels_of, redraw

    found = Case.objects.filter(reference=args.reference).select_related("rulebook")
    if args.org:
        found = found.filter(organisation__slug=args.org)
    cases = list(found[:2])
    if not cases:
        raise CommandError(f"no case {args.reference!r}")
    if len(cases) > 1:
        raise CommandError(f"several organisations have a case {args.reference!r}: give --org")
    case = cases[0]
    panels = list(panels_of(case))
    failed = _reviewer_draws(case)
    if not panels:
        print(f"{case.reference}: no panel constituted")
        return 1 if failed else 0
    for panel in panels:
        when = f"{panel.constituted_at:%Y-%m-%d %H:%M}"
        if panel.method == PanelConstitution.Method.APPOINTED:
            print(f"{case.reference} {panel.stage} {when}: appointed by name — {panel.reason}")
            continue
        result = redraw(panel)
        print(f"{case.reference} {panel.stage} {when}: drawn")
        print(f"  checkpoint {panel.checkpoint_size} {panel.checkpoint_root}")
        print(f"  seed {result.seed}")
        for seat, keys in result.drawn.items():
            print(f"  {seat}: pool {len(panel.pool.get(seat, []))}, drawn {' '.join(keys)}")
        if result.checkpoint_matches is None:
            print("  the checkpoint is not held here: its root is taken as recorded")
        elif not result.checkpoint_matches:
            print("  MISMATCH: the recorded root is not the checkpoint's")
        if not result.seed_matches:
            print("  MISMATCH: the seed is not the one these inputs give")
        if not result.same_panel:
            print(f"  MISMATCH: the panel seated was {result.seated}")
        if result.ok:
            print("  same panel")
        failed = failed or not result.ok
    return 1 if failed else 0


def _reviewer_draws(case: Case) -> bool:
    """Each independent review's draw of reviewers run again (docs/reviews.md); True if one
    does not give the reviewers drawn."""
    from dueprocess.cases.services.reviews import redraw, reviews_of

    failed = False
    for review in reviews_of(case):
        result = redraw(review)
        print(f"{case.reference} review of decision {review.decision_id}: drawn")
        print(f"  checkpoint {review.checkpoint_size} {review.checkpoint_root}")
        print(f"  seed {result.seed}")
        print(f"  reviewer: pool {len(review.pool)}, drawn {' '.join(result.drawn)}")
        if result.checkpoint_matches is None:
            print("  the checkpoint is not held here: its root is taken as recorded")
        print("  same reviewers" if result.ok else f"  MISMATCH: drawn were {result.seated}")
        failed = failed or not result.ok
    return failed
