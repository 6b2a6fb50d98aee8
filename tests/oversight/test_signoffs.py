"""Sign-offs: requested with the measure, answered with reasons, never a silent veto."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template.loader import render_to_string

from dueprocess.cases import services as svc
from dueprocess.cases.models import Case, InterimMeasure, SignOff
from dueprocess.cases.queries import case_detail_for
from dueprocess.cases.services.signoffs import signoff_inbox_for, signoff_request_for
from dueprocess.errors import Forbidden, InvalidInput, NotFound, ReasonRequired
from dueprocess.lib import clock
from dueprocess.oversight.queries import figure_for
from dueprocess.web.case_panel import oversight_context_for_case
from tests.oversight.conftest import elected_case, ledger_actions, suspend


def test_suspending_an_elected_representative_asks_for_the_leaders_sign_off(world):
    measure = suspend(world, elected_case(world))
    signoff = SignOff.objects.get()
    assert signoff.measure == measure and signoff.rule == "leader_suspension"
    assert signoff.signer_role == "political_office"
    assert signoff.due_on == clock.today() + dt.timedelta(days=2)
    assert "Member of Parliament" in signoff.brief and "Rhea Councilman" in signoff.brief
    assert signoff.status == SignOff.Status.PENDING
    assert ledger_actions("signoff.requested") == 1


def test_no_sign_off_is_asked_for_a_respondent_without_elected_office(world):
    suspend(world, world.case_at("investigation"))
    assert not SignOff.objects.exists()


def test_the_signer_sees_the_brief_and_never_the_case_file(world):
    case = elected_case(world)
    suspend(world, case)
    brief = signoff_request_for(world.political, SignOff.objects.get().pk)
    assert "Member of Parliament" in brief.brief
    assert case.reference not in brief.brief and case.summary not in brief.brief
    assert ledger_actions("signoff.viewed") == 1
    with pytest.raises(NotFound):
        case_detail_for(world.political, case.reference)


def test_an_objection_never_blocks_the_measure_and_every_deadline_keeps_running(world):
    case = elected_case(world)
    measure = suspend(world, case)
    due_before = Case.objects.get(pk=case.pk).stage_due_on
    signoff = svc.signoff_record(
        actor=world.political,
        signoff=SignOff.objects.get(),
        outcome="objected",
        reasons="The member has apologised; a suspension is disproportionate.",
    )
    assert signoff.status == SignOff.Status.OBJECTED and not signoff.answered_late
    kept = InterimMeasure.objects.get(pk=measure.pk)
    assert kept.is_active and kept.review_on == measure.review_on
    assert Case.objects.get(pk=case.pk).stage_due_on == due_before
    panel = oversight_context_for_case(case)
    assert [(s.status, delayed) for s, delayed in panel["register_sign_offs"]] == [
        ("objected", False)
    ]
    assert ledger_actions("signoff.objected") == 1


@pytest.mark.parametrize("outcome", ["signed", "objected"])
def test_signing_or_objecting_needs_reasons(world, outcome):
    suspend(world, elected_case(world))
    with pytest.raises(InvalidInput) as caught:
        svc.signoff_record(
            actor=world.political, signoff=SignOff.objects.get(), outcome=outcome, reasons=" "
        )
    assert "reasons" in caught.value.fields
    assert SignOff.objects.get().status == SignOff.Status.PENDING


def test_an_answer_that_is_neither_signing_nor_objecting_is_refused(world):
    suspend(world, elected_case(world))
    with pytest.raises(InvalidInput) as caught:
        svc.signoff_record(
            actor=world.political, signoff=SignOff.objects.get(), outcome="vetoed", reasons="No."
        )
    assert "outcome" in caught.value.fields


def test_an_overdue_sign_off_is_delayed_and_a_late_answer_must_say_why(world):
    case = elected_case(world)
    suspend(world, case)
    later = clock.now() + dt.timedelta(days=5)
    with clock.frozen(later):
        assert SignOff.objects.get().is_delayed(clock.today())
        assert figure_for(world.oversight, "signoffs").rows[0].cells[2] == 1  # delayed column
        assert oversight_context_for_case(case)["register_sign_offs"][0][1] is True
        with pytest.raises(ReasonRequired, match="3 day"):
            svc.signoff_record(
                actor=world.political,
                signoff=SignOff.objects.get(),
                outcome="signed",
                reasons="Grounds are met.",
            )
        signoff = svc.signoff_record(
            actor=world.political,
            signoff=SignOff.objects.get(),
            outcome="signed",
            reasons="Grounds are met.",
            delay_reasons="The leader was travelling.",
        )
    assert signoff.answered_late and signoff.days_late == 3
    assert signoff.delay_reasons == "The leader was travelling."


def test_after_answering_the_signer_no_longer_sees_the_request(world):
    suspend(world, elected_case(world))
    signoff = SignOff.objects.get()
    svc.signoff_record(actor=world.political, signoff=signoff, outcome="signed", reasons="Met.")
    with pytest.raises(NotFound):
        signoff_request_for(world.political, signoff.pk)
    with pytest.raises(NotFound):
        svc.signoff_record(actor=world.political, signoff=signoff, outcome="objected", reasons="x")
    assert signoff_inbox_for(world.political) == []


@pytest.mark.parametrize("persona", ["investigator", "oversight", "admin"])
def test_only_holders_of_the_signers_role_may_answer(world, persona):
    suspend(world, elected_case(world))
    with pytest.raises(NotFound):
        svc.signoff_record(
            actor=world.people[persona],
            signoff=SignOff.objects.get(),
            outcome="signed",
            reasons="Not mine to sign.",
        )
    assert SignOff.objects.get().status == SignOff.Status.PENDING


def test_the_case_team_may_see_the_case_but_not_answer_the_sign_off(world):
    suspend(world, elected_case(world))
    with pytest.raises(Forbidden):
        signoff_request_for(world.case_manager, SignOff.objects.get().pk)


def test_lifting_the_measure_first_withdraws_the_pending_sign_off(world):
    measure = suspend(world, elected_case(world))
    svc.interim_measure_lift(actor=world.case_manager, measure=measure, reason="Apology made.")
    assert SignOff.objects.get().status == SignOff.Status.WITHDRAWN
    assert ledger_actions("signoff.withdrawn") == 1


def test_the_signers_inbox_lists_pending_sign_offs_without_the_brief(world):
    suspend(world, elected_case(world))
    items = signoff_inbox_for(world.political)
    assert len(items) == 1 and items[0].brief == ""
    assert signoff_inbox_for(world.investigator) == []


def test_the_signer_answers_in_the_browser_and_the_case_page_panel_shows_it(world, client_for):
    case = elected_case(world)
    suspend(world, case)
    signoff = SignOff.objects.get()
    client = client_for("political")
    assert (
        "Member of Parliament" in client.get(f"/oversight/sign-offs/{signoff.pk}/").content.decode()
    )
    response = client.post(
        f"/oversight/sign-offs/{signoff.pk}/", {"outcome": "objected", "reasons": ""}
    )
    assert response.status_code == 422
    response = client.post(
        f"/oversight/sign-offs/{signoff.pk}/",
        {"outcome": "objected", "reasons": "Disproportionate.", "delay_reasons": ""},
    )
    assert response.status_code == 302
    html = render_to_string("oversight/_case_panel.html", oversight_context_for_case(case))
    assert "Objected" in html and "does not stop the measure" in html
