"""The ``[review]`` table: which decisions an independent reviewer verifies or vetoes, the
review period, what a lapse does and how many reviewers are drawn; every bad value is a load
error naming its key, and a rulebook without the table reviews nothing."""

from __future__ import annotations

import pytest

from dueprocess.rulebook.errors import RulebookError
from dueprocess.rulebook.loader import load_rulebook, parse_rulebook
from dueprocess.rulebooks import bundled

PARTY = bundled("party").read_text()
TABLE = PARTY[PARTY.index("[review]\n") : PARTY.index("[retention]")]


def _with(table: str) -> str:
    return PARTY.replace(TABLE, table + "\n", 1)


def test_the_party_rulebook_reviews_suspensions_and_expulsions():
    rules = load_rulebook(bundled("party")).review
    assert rules.declared and rules.applies_to == "listed"
    assert rules.sanctions == ("suspension", "expulsion") and rules.review_days == 14
    assert rules.on_lapse == "takes_effect" and rules.reviewers == 1
    assert rules.needs_review("antisemitism", ["expulsion", "education_course"])
    assert not rules.needs_review("antisemitism", ["formal_warning"])


def test_the_university_rulebook_holds_an_unreviewed_decision():
    rules = load_rulebook(bundled("university")).review
    assert rules.on_lapse == "held" and rules.needs_review("discrimination", ["exclusion"])


def test_without_the_table_no_decision_is_reviewed():
    rules = parse_rulebook(_with("").encode()).review
    assert not rules.declared and not rules.needs_review("antisemitism", ["expulsion"])


def test_all_reviews_every_decision_and_a_category_can_be_listed():
    every = parse_rulebook(_with('[review]\napplies_to = "all"\n').encode()).review
    assert every.needs_review("other_conduct", []) and every.review_days == 14
    listed = '[review]\napplies_to = "listed"\ncategories = ["sexual_harassment"]\n'
    by_category = parse_rulebook(_with(listed).encode()).review
    assert by_category.needs_review("sexual_harassment", ["formal_warning"])
    assert not by_category.needs_review("other_conduct", ["expulsion"])


@pytest.mark.parametrize(
    ("table", "key", "message"),
    [
        ('applies_to = "some"', "review.applies_to", "must be one of all, listed"),
        ('applies_to = "listed"', "review.applies_to", "needs categories or sanctions"),
        ('applies_to = "all"\nsanctions = ["expulsion"]', "review.applies_to", "list no"),
        ('applies_to = "listed"\nsanctions = ["exile"]', "review.sanctions", "'exile'"),
        ('applies_to = "listed"\ncategories = ["gossip"]', "review.categories", "'gossip'"),
        ("review_days = 0", "review.review_days", "at least 1"),
        ("review_days = 400", "review.review_days", "more than 365"),
        ('on_lapse = "lapse"', "review.on_lapse", "takes_effect, held"),
        ("reviewers = 9", "review.reviewers", "more than 5"),
        ("reviewer = 1", "review.reviewer", "not a known key"),
    ],
)
def test_bad_review_rules_are_load_errors_naming_the_key(table, key, message):
    with pytest.raises(RulebookError) as caught:
        parse_rulebook(_with("[review]\n" + table + "\n").encode())
    assert key in str(caught.value) and message in str(caught.value)
