"""The demo's decided cases carry independent reviews: suspensions and expulsions verified by
the demo's independent reviewer before their outcome was sent."""

from __future__ import annotations

from dueprocess.cases.models import Review, ReviewOutcome
from dueprocess.demo.build import Builder
from dueprocess.lib import clock
from dueprocess.rulebook.versions import rulebook_install
from dueprocess.rulebooks import bundled


def test_the_demo_verifies_its_reviewed_decisions_before_sending_them(db):
    version = rulebook_install(path=bundled("party"))
    built = Builder(version, cases=12, seed=7, now=clock.now()).build()
    reviews = Review.objects.all()
    assert reviews.exists()
    assert {r.user_id for review in reviews for r in review.reviewers.all()} == {
        built.users["ines"].pk
    }
    verified = ReviewOutcome.objects.filter(result="verified")
    assert verified.exists() and all(o.decided_by == built.users["ines"] for o in verified)
    for review in reviews.filter(outcome__isnull=True):  # awaiting: the outcome is not sent
        assert not review.case.status_changes.filter(
            transition="notify", at__gt=review.opened_at
        ).exists()
