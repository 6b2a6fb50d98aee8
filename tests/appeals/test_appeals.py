"""Appeals to someone new (university rulebook, ``[appeals]``): grounds from the rulebook, the
window enforced, a new panel (first-instance people refused, and the refusal recorded), and
the outcome confirming or replacing the first decision with reasons."""

from __future__ import annotations

import datetime as dt

import pytest

from dueprocess.accounts.services import role_grant
from dueprocess.cases import services as svc
from dueprocess.cases.models import Appeal, AppealOutcome, Case
from dueprocess.cases.models.immutable import ImmutableError
from dueprocess.cases.services.appeals import appeals_state, standing
from dueprocess.errors import IllegalTransition, InvalidInput, ReasonRequired
from dueprocess.lib import clock
from dueprocess.rulebook.errors import RulebookError
from dueprocess.rulebook.loader import parse_rulebook
from dueprocess.rulebooks import bundled
from tests.parties.helpers import entries_since, last_seq
from tests.world import APPEAL_PANEL, World, concurring


def _sent(university: World) -> Case:
    return university.case_at("outcome_sent")


def _lodge(university: World, case: Case, **kwargs: str) -> Appeal:
    args = {"ground": "new_evidence", "statement": "A witness has come forward since."}
    args.update(kwargs)
    return svc.appeal_lodge(actor=university.case_manager, case=case, **args)


def _reviewing(university: World) -> tuple[Case, Appeal]:
    case = _sent(university)
    appeal = _lodge(university, case)
    case = Case.objects.get(pk=case.pk)
    university.new_panel(case)
    return Case.objects.get(pk=case.pk), appeal


def test_an_appeal_is_lodged_on_a_rulebook_ground_and_recorded(university):
    case = _sent(university)
    first = case.decisions.get()
    seq = last_seq()
    appeal = _lodge(university, case)
    case.refresh_from_db()
    assert case.stage == "review"
    assert appeal.against == first and appeal.ground == "new_evidence"
    assert appeal.window_closes_on is not None
    [(_, details)] = entries_since(seq, "appeal.lodged")
    assert details["ground"] == "new_evidence" and details["against"] == first.pk
    assert details["statement"] == "A witness has come forward since."
    with pytest.raises(ImmutableError):
        appeal.statement = "changed"
        appeal.save()


def test_an_unknown_ground_or_no_statement_is_a_field_error_and_lodges_nothing(university):
    case = _sent(university)
    with pytest.raises(InvalidInput) as caught:
        _lodge(university, case, ground="i_disagree", statement="")
    assert set(caught.value.fields) == {"ground", "statement"}
    case.refresh_from_db()
    assert case.stage == "outcome_sent" and not Appeal.objects.filter(case=case).exists()


def test_the_generic_step_cannot_lodge_an_appeal_without_a_ground(university):
    case = _sent(university)
    with pytest.raises(IllegalTransition, match="ground of appeal"):
        svc.case_transition(
            actor=university.case_manager, case=case, transition="request_review", reason="x"
        )
    case.refresh_from_db()
    assert case.stage == "outcome_sent"


def test_lodging_after_the_window_is_refused_with_the_day_it_closed(university):
    case = _sent(university)
    closes = case.stage_due_on
    assert closes is not None
    late = dt.datetime.combine(closes + dt.timedelta(days=1), dt.time(9), tzinfo=dt.UTC)
    with clock.frozen(late), pytest.raises(IllegalTransition) as caught:
        _lodge(university, case)
    assert f"{closes:%d %B %Y}" in str(caught.value) and closes.isoformat() in str(caught.value)
    on_time = dt.datetime.combine(closes, dt.time(17), tzinfo=dt.UTC)
    with clock.frozen(on_time):
        assert _lodge(university, case).window_closes_on == closes


def test_a_first_instance_member_named_for_the_appeal_panel_is_refused_and_recorded(
    university,
):
    case = _sent(university)
    _lodge(university, case)
    case = Case.objects.get(pk=case.pk)
    for key in APPEAL_PANEL:
        if key not in university.people:
            university.people[key] = university.add_person(key, "panel_member")
    seq = last_seq()
    with pytest.raises(InvalidInput, match="sat on the panel that decided") as caught:
        university.appoint_panel(case, ("appeal_chair", "panel_b", "appeal_c"))
    assert "lay" in caught.value.fields
    [(_, details)] = entries_since(seq, "panel.refused")
    assert details["took_part"] == "sat on the panel that decided"
    assert details["stage"] == "review"
    assert not case.panels.filter(stage="review").exists()


def test_the_investigator_is_refused_on_a_party_appeal_panel_and_it_is_recorded(world):
    case = world.case_at("appeal")
    role_grant(
        actor=None,
        user=world.investigator,
        role="panel_member",
        starts_on=clock.today() - dt.timedelta(days=10),
    )
    seq = last_seq()
    with pytest.raises(InvalidInput, match="wrote the recommendation"):
        svc.case_assign(
            actor=world.case_manager, case=case, assignee=world.investigator, role="panel_member"
        )
    [(_, details)] = entries_since(seq, "panel.refused")
    assert details["took_part"] == "wrote the recommendation" and details["as"] == "panel_member"


def test_the_new_panel_confirms_the_decision_with_reasons(university):
    case, appeal = _reviewing(university)
    first = appeal.against
    seq = last_seq()
    outcome = svc.appeal_decide(
        actor=university.people["appeal_chair"],
        case=case,
        appeal=appeal.pk,
        result="confirm",
        reasons="The new evidence does not bear on the finding.",
        votes=concurring(case),
    )
    assert outcome.result == AppealOutcome.Result.CONFIRMED
    assert outcome.decision.kind == "appeal"
    assert (outcome.decision.finding, outcome.decision.sanctions) == (
        first.finding,
        first.sanctions,
    )
    [(_, details)] = entries_since(seq, "decision.recorded")
    assert details["appeal_result"] == "confirmed" and details["against"] == first.pk
    assert details["appeal"] == appeal.pk
    assert standing(case) == {first.pk: ("confirmed", outcome.decision.pk)}
    state = appeals_state(case)
    assert state.appeals[0].result == "confirmed" and state.open_appeal is None


def test_the_new_panel_replaces_the_decision_and_must_say_so(university):
    case, appeal = _reviewing(university)
    chair = university.people["appeal_chair"]
    args = {
        "actor": chair,
        "case": case,
        "appeal": appeal.pk,
        "finding": "no_breach",
        "sanctions": [],
        "votes": concurring(case),
    }
    with pytest.raises(InvalidInput, match="choose replace"):
        svc.appeal_decide(result="confirm", reasons="No breach after all.", **args)
    with pytest.raises(ReasonRequired):
        svc.appeal_decide(result="replace", reasons="", **args)
    outcome = svc.appeal_decide(result="replace", reasons="No breach after all.", **args)
    assert outcome.result == "replaced" and outcome.reasons == "No breach after all."
    assert outcome.decision.finding == "no_breach"
    assert AppealOutcome.objects.filter(appeal=appeal).count() == 1


def test_a_decision_at_the_appeal_stage_must_confirm_or_replace(university):
    case, _ = _reviewing(university)
    with pytest.raises(InvalidInput) as caught:
        svc.decision_record(
            actor=university.people["appeal_chair"],
            case=case,
            finding="breach",
            sanctions=list(case.decisions.get().sanctions),
            reasons="Same again.",
            votes=concurring(case),
        )
    assert "result" in caught.value.fields
    assert case.decisions.count() == 1


def test_party_rulebook_appeals_stay_a_plain_step(world):
    case = world.case_at("appeal")
    assert case.stage == "appeal" and not Appeal.objects.filter(case=case).exists()
    decided = world.advance(case, "notified")
    assert decided.decisions.filter(kind="appeal").exists()
    assert not AppealOutcome.objects.exists()
    with pytest.raises(IllegalTransition, match="declare no appeals"):
        _lodge(world, decided)


BAD = (
    ('step = "nowhere"', "appeals.step", "unknown transition"),
    ('step = "send_outcome"', "appeals.step", "no window"),
    ('step = "panel_outcome"', "appeals.step", "plain step"),
)


@pytest.mark.parametrize(("change", "key", "message"), BAD)
def test_bad_appeal_rules_are_load_errors_naming_the_key(change, key, message):
    text = bundled("university").read_text()
    text = text.replace('step = "request_review"', change)
    with pytest.raises(RulebookError) as caught:
        parse_rulebook(text.encode())
    assert key in str(caught.value) and message in str(caught.value)


def test_appeal_grounds_are_required_once_the_table_exists():
    text = bundled("university").read_text()
    start = text.index("[[appeals.grounds]]")
    end = text.index("# The conduct panel hears the case")
    with pytest.raises(RulebookError, match="grounds"):
        parse_rulebook((text[:start] + text[end:]).encode())


def test_the_respondent_lodges_their_own_appeal_on_a_rulebook_ground(university):
    from dueprocess.parties import services as parties
    from dueprocess.parties.models import PartyAccess

    case = _sent(university)
    access = PartyAccess.objects.create(
        case=case,
        party=case.parties.get(role="respondent"),
        role=PartyAccess.Role.RESPONDENT,
        receipt_digest="r" * 64,
        issued_at=clock.now(),
    )
    with pytest.raises(InvalidInput) as caught:
        parties.party_step_take(access=access, kind="appeal", reason="I was not there.")
    assert "ground" in caught.value.fields
    assert Case.objects.get(pk=case.pk).stage == "outcome_sent"
    parties.party_step_take(
        access=access, kind="appeal", reason="I was not there.", ground="new_evidence"
    )
    appeal = Appeal.objects.get(case=case)
    assert appeal.lodged_by is None and appeal.lodged_by_party == access
    assert appeal.statement == "I was not there." and appeal.ground == "new_evidence"
    assert Case.objects.get(pk=case.pk).stage == "review"
    assert appeals_state(case).appeals[0].lodged_by == "the respondent"
