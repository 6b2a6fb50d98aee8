"""Advice requests: the adviser sees the extract only, answers once, and loses it on close."""

from __future__ import annotations

import dataclasses

import pytest
from django.test import Client

from dueprocess.cases import services as svc
from dueprocess.cases.models import AdviceRequest
from dueprocess.cases.queries import case_detail_for
from dueprocess.cases.services.advice import advice_inbox_for, advice_request_for
from dueprocess.errors import Forbidden, InvalidInput, NotFound
from tests.oversight.conftest import at_panel, ledger_actions
from tests.signing_in import enrol

QUESTION = "Is a selection open in the branch in the next two months?"
EXTRACT = "A member of the Eastbrook branch is the subject of a complaint. No names."


def ask(world, case=None, adviser=None, **overrides):
    args = {"question": QUESTION, "extract": EXTRACT} | overrides
    return svc.advice_request_create(
        actor=world.case_manager,
        case=case or world.case_at("investigation"),
        adviser=adviser or world.political,
        **args,
    )


def test_the_adviser_sees_only_the_question_the_extract_and_their_own_answer(world):
    request = ask(world)
    svc.advice_request_answer(actor=world.political, request=request, answer="None is open.")
    viewed_before = ledger_actions("advice.viewed")
    brief = advice_request_for(world.political, request.pk)
    assert (brief.question, brief.extract, brief.answer) == (QUESTION, EXTRACT, "None is open.")
    fields = {f.name for f in dataclasses.fields(brief)}
    assert fields == {
        "id",
        "question",
        "extract",
        "answer",
        "requested_at",
        "requested_by",
        "answered_at",
    }
    assert request.case.reference not in repr(brief)
    assert request.case.summary not in repr(brief)
    assert ledger_actions("advice.viewed") == viewed_before + 1


def test_an_adviser_in_the_political_office_still_cannot_open_the_case_file(world):
    request = ask(world)
    with pytest.raises(NotFound):
        case_detail_for(world.political, request.case.reference)


def test_the_adviser_loses_access_when_the_request_is_closed(world):
    request = ask(world)
    advice_request_for(world.political, request.pk)
    svc.advice_request_close(actor=world.case_manager, request=request, reason="Not needed.")
    denied_before = ledger_actions("access.denied")
    with pytest.raises(NotFound):
        advice_request_for(world.political, request.pk)
    with pytest.raises(NotFound):
        svc.advice_request_answer(actor=world.political, request=request, answer="Late reply.")
    assert ledger_actions("access.denied") == denied_before + 2
    assert advice_inbox_for(world.political) == []


def test_an_open_request_on_a_case_does_not_reopen_a_closed_one_on_the_same_case(world):
    case = world.case_at("investigation")
    closed = ask(world, case)
    svc.advice_request_close(actor=world.case_manager, request=closed, reason="Answered.")
    ask(world, case, question="A second, different question?")
    with pytest.raises(NotFound):
        advice_request_for(world.political, closed.pk)


def test_nobody_but_the_named_adviser_may_read_or_answer_the_request(world):
    request = ask(world)
    for person in (world.admin, world.oversight, world.investigator_b):
        with pytest.raises(NotFound):
            advice_request_for(person, request.pk)
    with pytest.raises(Forbidden):
        advice_request_for(world.case_manager, request.pk)
    with pytest.raises(NotFound):
        svc.advice_request_answer(actor=world.admin, request=request, answer="Not mine.")


def test_an_answer_is_given_once_and_stands(world):
    request = ask(world)
    svc.advice_request_answer(actor=world.political, request=request, answer="First answer.")
    with pytest.raises(InvalidInput, match="already been answered"):
        svc.advice_request_answer(actor=world.political, request=request, answer="Second.")
    assert AdviceRequest.objects.get(pk=request.pk).answer == "First answer."


def test_a_panel_member_cannot_ask_for_advice(world):
    case = at_panel(world)
    with pytest.raises(Forbidden):
        svc.advice_request_create(
            actor=world.panel_chair,
            case=case,
            adviser=world.political,
            question=QUESTION,
            extract=EXTRACT,
        )


def test_an_adviser_who_is_party_to_the_case_is_refused(world):
    case = world.case_at(
        "investigation", respondent=svc.PartyInput(name="Pol", email="political@westfold.example")
    )
    with pytest.raises(InvalidInput, match="cannot advise on this case") as caught:
        ask(world, case)
    assert "adviser" in caught.value.fields
    assert not AdviceRequest.objects.exists()


def test_an_adviser_from_another_organisation_is_refused(world, outsider):
    with pytest.raises(InvalidInput, match="Ask an active member"):
        ask(world, adviser=outsider)


@pytest.mark.parametrize(
    ("field", "value"), [("question", "  "), ("extract", ""), ("question", "x\x00y")]
)
def test_an_empty_or_broken_question_or_extract_is_refused_and_nothing_is_written(
    world, field, value
):
    case = world.case_at("investigation")
    before = ledger_actions("advice.requested")
    with pytest.raises(InvalidInput) as caught:
        ask(world, case, **{field: value})
    assert field in caught.value.fields
    assert not AdviceRequest.objects.exists()
    assert ledger_actions("advice.requested") == before


def test_asking_answering_and_closing_each_leave_a_ledger_entry(world):
    request = ask(world)
    svc.advice_request_answer(actor=world.political, request=request, answer="Answer.")
    svc.advice_request_close(actor=world.case_manager, request=request, reason="Done.")
    for action in ("advice.requested", "advice.answered", "advice.closed"):
        assert ledger_actions(action) == 1
    with pytest.raises(InvalidInput, match="already closed"):
        svc.advice_request_close(actor=world.case_manager, request=request, reason="Again.")


def test_the_advisers_inbox_lists_their_open_requests_and_nothing_from_the_case(world):
    mine = ask(world)
    ask(world, adviser=world.reviewer)
    items = advice_inbox_for(world.political)
    assert [i.id for i in items] == [mine.pk]
    assert QUESTION not in repr(items) and mine.case.reference not in repr(items)


def test_the_adviser_reads_and_answers_in_the_browser(world, client_for):
    request = ask(world)
    client = client_for("political")
    page = client.get(f"/oversight/advice/{request.pk}/").content.decode()
    assert EXTRACT in page and request.case.reference not in page
    response = client.post(f"/oversight/advice/{request.pk}/", {"answer": ""})
    assert response.status_code == 422
    response = client.post(f"/oversight/advice/{request.pk}/", {"answer": "None open."})
    assert response.status_code == 302
    assert AdviceRequest.objects.get(pk=request.pk).answer == "None open."


def test_the_case_team_asks_through_a_form_that_keeps_what_was_typed_on_error(world, client_for):
    case = world.case_at("investigation")
    client = client_for("case_manager")
    url = f"/oversight/cases/{case.reference}/advice/new/"
    data = {"adviser": world.political.pk, "question": QUESTION, "extract": ""}
    response = client.post(url, data)
    assert response.status_code == 422 and QUESTION in response.content.decode()
    response = client.post(url, data | {"extract": EXTRACT})
    assert response.status_code == 302
    assert AdviceRequest.objects.get().extract == EXTRACT
    assert client_for("political").get(url).status_code == 404


def test_closing_through_the_page_tells_nobody_outside_the_case_whose_request_it_is(
    world, outsider, client_for
):
    request = ask(world)
    url = f"/oversight/advice/{request.pk}/close/"
    denied_before = ledger_actions("access.denied")
    # another organisation's case manager, and an investigator not on the case: the same 404
    # as an id that does not exist, even for a form without a reason, and no reference anywhere
    stranger = Client()
    enrol(outsider)
    stranger.force_login(outsider)
    for client in (stranger, client_for("investigator_b")):
        for data in ({}, {"reason": "Not needed."}):
            response = client.post(url, data)
            assert response.status_code == 404
            assert request.case.reference not in response.get("Location", "")
            assert request.case.reference not in response.content.decode()
    assert ledger_actions("access.denied") == denied_before + 4
    assert AdviceRequest.objects.get(pk=request.pk).closed_at is None
    # the case team: without a reason, back to the case with the error; with one, closed
    team = client_for("case_manager")
    response = team.post(url, {})
    assert response.status_code == 302 and request.case.reference in response["Location"]
    assert AdviceRequest.objects.get(pk=request.pk).closed_at is None
    assert team.post(url, {"reason": "Not needed."}).status_code == 302
    assert AdviceRequest.objects.get(pk=request.pk).closed_at is not None
