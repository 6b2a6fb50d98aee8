"""Triage, plain steps, reasons, stale forms, closing and reopening."""

from __future__ import annotations

import pytest

from dueprocess.cases import services as svc
from dueprocess.cases.models import Case, Decision, StatusChange
from dueprocess.errors import IllegalTransition, InvalidInput, ReasonRequired, StaleState
from dueprocess.ledger.models import LedgerEntry

ALL_YES = {"in_scope": True, "respondent_is_member": True, "not_duplicate": True}


def test_triage_with_every_answer_yes_accepts_for_investigation(world):
    case = world.case_at("triage")
    case = svc.case_triage(
        member_reason="Joined this month; not in the register yet.",
        actor=world.intake,
        case=case,
        answers=ALL_YES,
    )
    assert case.stage == "investigation"
    assert case.in_scope is True and case.respondent_is_member is True


def test_a_no_answer_without_reasons_is_refused_and_nothing_changes(world):
    case = world.case_at("triage")
    with pytest.raises(ReasonRequired):
        svc.case_triage(
            member_reason="Joined this month; not in the register yet.",
            actor=world.intake,
            case=case,
            answers=ALL_YES | {"respondent_is_member": False},
        )
    case.refresh_from_db()
    assert case.stage == "triage" and case.respondent_is_member is None
    assert not Decision.objects.exists()


def test_not_investigated_is_a_decision_with_a_ground_and_reasons(world):
    case = world.case_at("triage")
    case = svc.case_triage(
        member_reason="Joined this month; not in the register yet.",
        actor=world.intake,
        case=case,
        reason="Not in the register.",
        answers=ALL_YES | {"respondent_is_member": False},
    )
    assert case.stage == "closed" and case.closed_at is not None
    decision = Decision.objects.get(case=case)
    assert (decision.kind, decision.ground, decision.reasons) == (
        "not_investigated",
        "not_a_member",
        "Not in the register.",
    )
    assert LedgerEntry.objects.filter(action="case.not_investigated").count() == 1


def test_an_unanswered_triage_question_is_refused(world):
    case = world.case_at("triage")
    with pytest.raises(InvalidInput) as caught:
        svc.case_triage(
            member_reason="Joined this month; not in the register yet.",
            actor=world.intake,
            case=case,
            answers={"in_scope": True},
        )
    assert set(caught.value.fields) == {"respondent_is_member", "not_duplicate"}


def test_a_duplicate_must_name_another_case(world):
    case = world.case_at("triage")
    with pytest.raises(InvalidInput):
        svc.case_triage(
            member_reason="Joined this month; not in the register yet.",
            actor=world.intake,
            case=case,
            reason="Dup.",
            duplicate_of="C-1999-99999",
            answers=ALL_YES | {"not_duplicate": False},
        )


@pytest.mark.parametrize(
    ("answers", "ground"),
    [
        (ALL_YES | {"not_duplicate": False}, ""),
        (ALL_YES, "duplicate"),
    ],
    ids=["answered-no", "ground-chosen"],
)
def test_the_duplicate_ground_needs_the_reference_of_the_case_it_repeats(world, answers, ground):
    case = world.case_at("triage")
    with pytest.raises(InvalidInput) as caught:
        svc.case_triage(
            member_reason="Joined this month; not in the register yet.",
            actor=world.intake,
            case=case,
            reason="Repeats another complaint.",
            answers=answers,
            ground=ground,
            transition="not_investigated" if ground else "",
        )
    assert set(caught.value.fields) == {"duplicate_of"}
    assert "name the case it repeats" in caught.value.message
    case.refresh_from_db()
    assert case.stage == "triage" and case.duplicate_of is None
    assert not Decision.objects.filter(case=case).exists()


def test_a_duplicate_decision_links_and_records_the_case_it_repeats(world):
    original = world.open_case()
    case = world.case_at("triage")
    svc.case_triage(
        member_reason="Joined this month; not in the register yet.",
        actor=world.intake,
        case=case,
        reason="Repeats another complaint.",
        duplicate_of=original.reference,
        answers=ALL_YES | {"not_duplicate": False},
    )
    case.refresh_from_db()
    assert case.stage == "closed" and case.duplicate_of == original
    assert Decision.objects.get(case=case).ground == "duplicate"


def test_a_step_that_needs_reasons_refuses_blank_ones(world):
    case = world.case_at("panel")
    world.prepare_for(case, "refer_to_hearing")
    with pytest.raises(ReasonRequired):
        svc.case_transition(
            actor=world.panel_chair, case=case, transition="refer_to_hearing", reason="  "
        )
    assert Case.objects.get(pk=case.pk).stage == "panel"


def test_a_step_the_rulebook_does_not_have_is_illegal(world):
    case = world.case_at("received")
    with pytest.raises(IllegalTransition, match="no step called 'teleport'"):
        svc.case_transition(actor=world.case_manager, case=case, transition="teleport")


def test_a_recording_step_cannot_be_taken_as_a_plain_move(world):
    case = world.case_at("investigation")
    world.prepare_for(case, "submit_recommendation")
    with pytest.raises(IllegalTransition, match="is a 'recommend' step"):
        svc.case_transition(actor=world.investigator, case=case, transition="submit_recommendation")


def test_a_form_loaded_before_another_change_is_refused_as_stale(world):
    case = world.case_at("received")
    loaded = case.version
    svc.note_add(actor=world.intake, case=case, body="A note does not change the version.")
    svc.case_transition(actor=world.intake, case=case, transition="acknowledge")
    with pytest.raises(StaleState):
        svc.case_transition(
            actor=world.intake,
            case=case,
            transition="not_investigated",
            reason="x",
            expected_version=loaded,
        )


def test_acknowledging_stamps_the_acknowledgement_time(world):
    case = world.case_at("triage")
    assert case.acknowledged_at is not None


def test_a_once_only_step_cannot_be_taken_twice(world):
    case = world.case_at("notified")
    svc.case_transition(
        actor=world.case_manager, case=case, transition="lodge_appeal", reason="Grounds."
    )
    world.advance(Case.objects.get(pk=case.pk), "notified")
    with pytest.raises(IllegalTransition, match="only once"):
        svc.case_transition(
            actor=world.case_manager, case=case, transition="lodge_appeal", reason="Again."
        )


def test_close_and_reopen_use_the_rulebooks_steps_and_keep_history(world):
    case = world.case_at("notified")
    case = svc.case_close(actor=world.case_manager, case=case, reason="No appeal: agreed.")
    assert case.stage == "closed"
    with pytest.raises(ReasonRequired):
        svc.case_reopen(actor=world.case_manager, case=case, reason="")
    case = svc.case_reopen(actor=world.case_manager, case=case, reason="New evidence arrived.")
    assert case.stage == "triage" and case.closed_at is None
    last = StatusChange.objects.filter(case=case).last()
    assert (last.old_stage, last.new_stage, last.reason) == (
        "closed",
        "triage",
        "New evidence arrived.",
    )


def test_closing_from_a_stage_with_no_closing_step_is_illegal(world):
    case = world.case_at("investigation")
    with pytest.raises(IllegalTransition, match="cannot be closed"):
        svc.case_close(actor=world.case_manager, case=case)


def test_status_changes_cannot_be_edited_or_deleted(world):
    from django.db import DatabaseError, connection

    from dueprocess.cases.models.immutable import ImmutableError

    change = world.case_at("triage").status_changes.last()
    change.reason = "rewritten"
    with pytest.raises(ImmutableError):
        change.save()
    with pytest.raises(DatabaseError), connection.cursor() as cursor:
        cursor.execute("UPDATE cases_statuschange SET reason = 'rewritten'")
