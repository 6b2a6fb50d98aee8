"""Anonymised decision summaries: written by the case team, approved by a second person (never
the author), and only approved ones reach the public report — and only where its figures
already show as much."""

from __future__ import annotations

import dataclasses
import json

import pytest

from dueprocess.cases import services as svc
from dueprocess.cases.models import Case, DecisionSummary, SummaryReview
from dueprocess.cases.services.summaries import summary_state
from dueprocess.errors import Forbidden, IllegalTransition, InvalidInput, NotFound
from dueprocess.ledger.models import LedgerEntry
from dueprocess.ledger.verify import verify_state
from dueprocess.lib import clock
from dueprocess.oversight import report_formats
from dueprocess.oversight import transparency as tr
from tests.world import World

TEXT = (
    "A member shared a post repeating an antisemitic trope. The panel found a breach and "
    "took account of an early apology."
)


def _decided(world: World) -> Case:
    return world.case_at("notified")


def _actions(after: int) -> list[str]:
    return list(
        LedgerEntry.objects.filter(seq__gt=after).order_by("seq").values_list("action", flat=True)
    )


def _last_seq() -> int:
    return LedgerEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def _published(world: World, *, threshold: int | None = None) -> tr.PublishedReport:
    report = tr.build(world.organisation, tr.Quarter.containing(clock.now()))
    if threshold is not None:
        report = dataclasses.replace(report, threshold=threshold)
    return tr.publish(report)


def test_written_approved_and_then_in_the_report_with_category_outcome_and_sanction(world):
    case = _decided(world)
    before = _last_seq()
    summary = svc.summary_write(actor=world.investigator, case=case, text=TEXT)
    assert summary.version == 1 and summary_state(case).status == "pending"
    # not approved: nowhere in the report, not even the exact one oversight sees
    assert _published(world, threshold=1).summaries == ()
    review = svc.summary_approve(actor=world.case_manager, case=case, version=1)
    assert review.verdict == SummaryReview.Verdict.APPROVED
    assert _actions(before) == ["summary.written", "summary.approved"]
    assert verify_state().ok
    published = _published(world, threshold=1)
    (row,) = published.summaries
    rules = world.rules
    assert row.text == TEXT and row.kind == "panel"
    assert row.category == rules.categories[case.category].label
    assert row.outcome.startswith("Breach: ")
    document = json.loads(report_formats.as_json(published))
    (item,) = document["decision_summaries"]["summaries"]
    assert item["summary"] == TEXT and item["category"] == row.category
    assert item["sanctions"] == list(row.sanctions) and item["sanctions"]
    html = report_formats.as_html(published)
    assert "Decisions in brief" in html and "early apology" in html
    assert report_formats.as_pdf(published).startswith(b"%PDF")


def test_a_summary_is_held_back_while_its_figures_are_suppressed(world):
    case = _decided(world)
    svc.summary_write(actor=world.investigator, case=case, text=TEXT)
    svc.summary_approve(actor=world.reviewer, case=case, version=1)
    # one decision this quarter: its category and outcome are "fewer than 5"
    published = _published(world)
    assert published.report.summaries and published.summaries == ()
    document = json.loads(report_formats.as_json(published))
    assert "decision_summaries" not in document
    assert "early apology" not in report_formats.as_html(published)


def test_no_one_approves_their_own_summary_and_the_refusal_is_recorded(world):
    case = _decided(world)
    svc.summary_write(actor=world.case_manager, case=case, text=TEXT)
    before = _last_seq()
    with pytest.raises(Forbidden):
        svc.summary_approve(actor=world.case_manager, case=case, version=1)
    with pytest.raises(Forbidden):
        svc.summary_return(actor=world.case_manager, case=case, version=1, reason="Mine.")
    assert _actions(before) == ["access.denied", "access.denied"]
    assert not SummaryReview.objects.exists()
    assert summary_state(case).status == "pending"


def test_sent_back_with_a_reason_then_a_new_version_replaces_it(world):
    case = _decided(world)
    svc.summary_write(actor=world.investigator, case=case, text=TEXT)
    with pytest.raises(InvalidInput) as missing:
        svc.summary_return(actor=world.case_manager, case=case, version=1, reason="  ")
    assert "reason" in missing.value.fields
    svc.summary_return(
        actor=world.case_manager, case=case, version=1, reason="Too close to the facts."
    )
    assert summary_state(case).status == "returned"
    with pytest.raises(IllegalTransition):  # nothing awaits approval now
        svc.summary_approve(actor=world.case_manager, case=case, version=1)
    second = svc.summary_write(actor=world.panel_chair, case=case, text="A post; a breach.")
    assert second.version == 2
    with pytest.raises(InvalidInput) as stale:  # approving a version no longer current
        svc.summary_approve(actor=world.case_manager, case=case, version=1)
    assert "version" in stale.value.fields
    # an unapproved version is simply replaced by writing again
    third = svc.summary_write(actor=world.investigator, case=case, text="A post. A breach.")
    svc.summary_approve(actor=world.case_manager, case=case, version=3)
    state = summary_state(case)
    assert [v.version for v in state.versions] == [1, 2, 3] and state.current == third
    assert state.status == "approved" and not state.writable
    with pytest.raises(IllegalTransition, match="final"):
        svc.summary_write(actor=world.investigator, case=case, text="Something else.")
    assert [r.text for r in _published(world, threshold=1).summaries] == ["A post. A breach."]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Rex Respondent shared a post.", "respondent's name"),
        ("The complaint came from OLA@public.example.", "complainant's e-mail"),
        ("Mr   respondent was warned.", "respondent's name"),  # the family name alone
        ("Case {ref} was decided.", "case reference"),
    ],
)
def test_a_summary_that_names_someone_is_refused_with_a_field_error(world, text, found):
    case = _decided(world)
    before = _last_seq()
    with pytest.raises(InvalidInput) as refused:
        svc.summary_write(actor=world.investigator, case=case, text=text.format(ref=case.reference))
    assert found in refused.value.fields["text"]
    assert not DecisionSummary.objects.exists() and _actions(before) == []


def test_only_a_decided_case_is_summarised_and_only_by_those_the_policy_names(world):
    early = world.case_at("investigation")
    world.prepare_for(early, "submit_recommendation")
    with pytest.raises(IllegalTransition, match="decided"):
        svc.summary_write(actor=world.investigator, case=early, text=TEXT)
    case = _decided(world)
    with pytest.raises(NotFound):
        svc.summary_write(actor=world.political, case=case, text=TEXT)
    with pytest.raises(Forbidden):  # may read the case, may not write its summary
        svc.summary_write(actor=world.reviewer, case=case, text=TEXT)
    svc.summary_write(actor=world.investigator, case=case, text=TEXT)
    with pytest.raises(Forbidden):  # a panel member writes, never approves
        svc.summary_approve(actor=world.panel_chair, case=case, version=1)
    with pytest.raises(InvalidInput, match="too long"):
        svc.summary_write(actor=world.investigator, case=case, text="x" * 4001)
