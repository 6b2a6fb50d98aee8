"""The reviewers' draw re-run from docs/reviews.md alone: its shell recipe, run at a real shell
with the values of the ``review.opened`` entry, gives the reviewers drawn."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from dueprocess.cases import services as svc
from dueprocess.cases.models import Case, Review
from dueprocess.ledger.record import actor_pseudonym
from tests.parties.helpers import entries_since, last_seq
from tests.world import World, concurring

DOC = Path(__file__).resolve().parents[2] / "docs" / "reviews.md"


def _recipe() -> str:
    text = DOC.read_text(encoding="utf-8")
    return re.search(r"```sh\n(.*?)```", text, re.S).group(1)  # type: ignore[union-attr]


def test_the_documented_recipe_gives_the_reviewers_drawn(university: World):
    # coreutils is on every machine the suite runs on: a missing sha256sum fails, never skips
    assert shutil.which("sha256sum"), "the recipe needs sha256sum (coreutils)"
    for key in ("reviewer_two", "reviewer_three"):
        university.people[key] = university.add_person(key, "independent_reviewer")
    case = university.case_at("conduct_panel")
    university.prepare_for(case, "panel_outcome")
    case = Case.objects.get(pk=case.pk)
    seq = last_seq()
    svc.decision_record(
        actor=university.panel_chair,
        case=case,
        finding="breach",
        sanctions=["suspension"],
        reasons="Repeated conduct after a warning.",
        votes=concurring(case),
    )
    [(_, entry)] = entries_since(seq, "review.opened")
    review = Review.objects.get(case=case)
    assert len(entry["pool"]) == 3
    variables = (
        f"size={entry['checkpoint_size']}\nroot='{entry['checkpoint_root']}'\n"
        f"ref='{case.reference}'\ndecision={entry['decision']}\n"
        f"pool='{' '.join(entry['pool'])}'\nreviewers=1\n"
    )
    out = subprocess.run(
        ["bash", "-c", variables + _recipe()], capture_output=True, text=True, check=True
    ).stdout.split()
    assert (
        out[1:] == entry["drawn"] == [p for p in entry["pool"] if p in {e for e in entry["drawn"]}]
    )
    assert [r.user for r in review.reviewers.all()] == [
        u for u in university.people.values() if actor_pseudonym(u) == entry["drawn"][0]
    ]
