"""The respondent's due process as the rulebook declares it: the response window and the
stage words come from the rulebook; a decision before the response is in (or its date has
passed) needs a recorded reason; the respondent asks for a hearing and appeals themself, the
appeal only within the appeal window, through the same step staff take for a paper request."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client

from dueprocess.cases import services as svc
from dueprocess.cases.models import Case, StatusChange
from dueprocess.errors import ReasonRequired
from dueprocess.ledger.record import party_pseudonym
from dueprocess.ledger.verify import verify_state
from dueprocess.lib import clock
from dueprocess.parties import services as parties
from dueprocess.parties.models import PartyAccess
from tests.parties.helpers import entries_since, last_seq
from tests.world import World, within_guideline

CODE = re.compile(r"Your personal access code: (\d{4} \d{4} \d{4} \d{4})")


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def _notice(world: World, case: Case, capture) -> tuple[PartyAccess, Client]:  # type: ignore[no-untyped-def]
    """Send the respondent notice; the respondent's way in and a browser signed in with it."""
    with capture(execute=True):
        notice = parties.respondent_notify(
            actor=world.case_manager, case=case, email="rex@example.org"
        )
    found = CODE.search(mail.outbox[-1].body)
    assert found
    respondent = Client()
    assert respondent.post("/receipt/", {"receipt": found.group(1)}).status_code == 302
    return notice.access, respondent


def test_the_response_window_comes_from_the_rulebook(
    university, django_capture_on_commit_callbacks
):
    case = university.case_at("investigation")
    access, _ = _notice(university, case, django_capture_on_commit_callbacks)
    assert university.rules.parties.response_days == 10
    assert access.respond_by == clock.today() + dt.timedelta(days=10)
    assert "by " + f"{access.respond_by:%d %B %Y}" in mail.outbox[-1].body


def test_the_party_sees_the_rulebooks_words_for_the_stage(
    world, django_capture_on_commit_callbacks
):
    case = world.case_at("triage")
    _, respondent = _notice(world, case, django_capture_on_commit_callbacks)
    html = respondent.get("/receipt/case/").content.decode()
    assert world.rules.parties.stage_words["triage"] in html
    assert "Being assessed: the team is deciding whether to investigate." in html


def test_another_rulebook_gives_other_words(university, django_capture_on_commit_callbacks):
    other = university.case_at("investigation")
    _, reader = _notice(university, other, django_capture_on_commit_callbacks)
    words = university.rules.parties.stage_words["investigation"]
    assert words in reader.get("/receipt/case/").content.decode()


def _panel_case(world: World) -> Case:
    case = world.case_at("panel")
    world.prepare_for(case, "decide")
    return Case.objects.get(pk=case.pk)


def _decide(world: World, case: Case, reasons: str):  # type: ignore[no-untyped-def]
    return svc.decision_record(
        actor=world.panel_chair,
        case=Case.objects.get(pk=case.pk),
        finding="breach",
        sanctions=within_guideline(case),
        reasons=reasons,
        transition="decide",
    )


def test_deciding_while_the_response_is_awaited_needs_a_recorded_reason(
    world, signed_in, django_capture_on_commit_callbacks
):
    case = _panel_case(world)
    access, _ = _notice(world, case, django_capture_on_commit_callbacks)
    page = signed_in("panel_chair").get(f"/cases/{case.reference}/").content.decode()
    assert f"response is awaited until {access.respond_by:%-d %B %Y}" in page
    with pytest.raises(ReasonRequired) as refused:
        _decide(world, case, "")
    assert f"{access.respond_by:%d %B %Y}" in str(refused.value)
    assert "reasons" in refused.value.fields
    assert Case.objects.get(pk=case.pk).stage == "panel" and not case.decisions.exists()
    _decide(world, case, "The respondent told us by phone they will not answer in writing.")
    assert Case.objects.get(pk=case.pk).stage == "decided"


def test_once_the_response_is_in_or_its_date_has_passed_no_reason_is_needed(
    world, signed_in, django_capture_on_commit_callbacks
):
    answered = _panel_case(world)
    _, respondent = _notice(world, answered, django_capture_on_commit_callbacks)
    respondent.post("/receipt/case/response/", {"body": "I deny it: I was not there."})
    # the panel sees the response on the case page before deciding
    page = signed_in("panel_chair")
    html = page.get(f"/cases/{answered.reference}/").content.decode()
    assert "I deny it: I was not there." in html and "response is awaited" not in html
    _decide(world, answered, "")
    assert Case.objects.get(pk=answered.pk).stage == "decided"

    lapsed = _panel_case(world)
    late, _ = _notice(world, lapsed, django_capture_on_commit_callbacks)
    PartyAccess.objects.filter(pk=late.pk).update(respond_by=clock.today() - dt.timedelta(days=1))
    _decide(world, lapsed, "")
    assert Case.objects.get(pk=lapsed.pk).stage == "decided"


def test_the_refusal_shows_on_the_case_page_and_keeps_what_was_typed(
    world, signed_in, django_capture_on_commit_callbacks
):
    case = _panel_case(world)
    _notice(world, case, django_capture_on_commit_callbacks)
    chair = signed_in("panel_chair")
    form = {
        "step-decide-finding": "breach",
        "step-decide-sanctions": within_guideline(case),
        "step-decide-reasons": "",
        "step-decide-expected_version": str(Case.objects.get(pk=case.pk).version),
    }
    answer = chair.post(f"/cases/{case.reference}/steps/decide/", form)
    html = answer.content.decode()
    assert answer.status_code == 422, html[:2000]
    assert "give the reason for deciding before then" in html
    assert Case.objects.get(pk=case.pk).stage == "panel"


def test_the_respondent_appeals_from_their_own_view_within_the_window(
    world, signed_in, django_capture_on_commit_callbacks
):
    case = world.case_at("notified")
    access, respondent = _notice(world, case, django_capture_on_commit_callbacks)
    html = respondent.get("/receipt/case/").content.decode()
    assert "Lodge an appeal" in html and "Respondent requests a hearing" in html
    assert f"until {Case.objects.get(pk=case.pk).stage_due_on:%-d %B %Y}" in html
    start = last_seq()
    sent = respondent.post(
        "/receipt/case/requests/",
        {"kind": "appeal", "reason": "The panel did not hear my witness."},
    )
    assert sent.status_code == 302 and sent["Location"] == "/receipt/case/#requests"
    case = Case.objects.get(pk=case.pk)
    assert case.stage == "appeal"
    change = StatusChange.objects.filter(case=case).order_by("-pk").first()
    assert change is not None and change.transition == "lodge_appeal" and change.actor is None
    [(entry, details)] = entries_since(start, "case.transitioned")
    assert entry.actor == party_pseudonym(access.pk) and entry.role == "respondent_of_case"
    assert details["transition"] == "lodge_appeal" and details["by"] == "respondent_of_case"
    assert details["reason"] == "The panel did not hear my witness."
    # once: the rulebook allows a single appeal, so the form is gone and a replay is refused
    assert "Lodge an appeal" not in respondent.get("/receipt/case/").content.decode()
    again = respondent.post("/receipt/case/requests/", {"kind": "appeal", "reason": "Again."})
    assert again.status_code == 422 and Case.objects.get(pk=case.pk).stage == "appeal"
    reconciled = verify_state()
    assert reconciled.ok, reconciled.failure


def test_the_appeal_is_refused_once_the_window_has_closed_and_nothing_is_lost(
    world, django_capture_on_commit_callbacks
):
    case = world.case_at("notified")
    _, respondent = _notice(world, case, django_capture_on_commit_callbacks)
    Case.objects.filter(pk=case.pk).update(stage_due_on=clock.today() - dt.timedelta(days=1))
    assert "Lodge an appeal" not in respondent.get("/receipt/case/").content.decode()
    late = respondent.post(
        "/receipt/case/requests/", {"kind": "appeal", "reason": "I was abroad until today."}
    )
    html = late.content.decode()
    assert late.status_code == 422 and "the appeal window has closed" in html
    assert Case.objects.get(pk=case.pk).stage == "notified"


def test_the_respondent_requests_a_hearing_with_reasons(world, django_capture_on_commit_callbacks):
    case = world.case_at("notified")
    _, respondent = _notice(world, case, django_capture_on_commit_callbacks)
    empty = respondent.post("/receipt/case/requests/", {"kind": "hearing_request", "reason": " "})
    assert empty.status_code == 422 and Case.objects.get(pk=case.pk).stage == "notified"
    typed = "<script>alert(1)</script> I want to be heard in person."
    kept = respondent.post("/receipt/case/requests/", {"kind": "bogus", "reason": typed})
    assert kept.status_code == 422 and "<script>alert(1)" not in kept.content.decode()
    asked = respondent.post(
        "/receipt/case/requests/", {"kind": "hearing_request", "reason": "To be heard."}
    )
    assert asked.status_code == 302 and Case.objects.get(pk=case.pk).stage == "hearing"


def test_the_complainant_can_take_neither_step(world, django_capture_on_commit_callbacks):
    case = world.case_at("notified")
    _notice(world, case, django_capture_on_commit_callbacks)
    complainant = PartyAccess.objects.create(
        case=case,
        party=case.parties.get(role="complainant"),
        role=PartyAccess.Role.COMPLAINANT,
        receipt_digest="c" * 64,
        issued_at=clock.now(),
    )
    from dueprocess.errors import NotFound

    with pytest.raises(NotFound):
        parties.party_step_take(access=complainant, kind="appeal", reason="Not mine to lodge.")
    assert Case.objects.get(pk=case.pk).stage == "notified"


def test_staff_still_record_a_paper_appeal(world, signed_in):
    case = world.case_at("notified")
    manager = signed_in("case_manager")
    assert "Lodge an appeal" in manager.get(f"/cases/{case.reference}/").content.decode()


def test_the_respondents_appeal_page_asks_for_a_rulebook_ground(
    university, django_capture_on_commit_callbacks
):
    from dueprocess.cases.models import Appeal

    case = university.case_at("outcome_sent")
    _, respondent = _notice(university, case, django_capture_on_commit_callbacks)
    page = respondent.get("/receipt/case/").content.decode()
    assert "Ground of appeal" in page and "New evidence that could not" in page
    missing = respondent.post("/receipt/case/requests/", {"kind": "appeal", "reason": "Not me."})
    assert missing.status_code == 422 and "Not me." in missing.content.decode()
    assert not Appeal.objects.filter(case=case).exists()
    sent = respondent.post(
        "/receipt/case/requests/",
        {"kind": "appeal", "reason": "Not me.", "ground": "new_evidence"},
    )
    assert sent.status_code == 302
    assert Appeal.objects.get(case=case).ground == "new_evidence"
    assert Case.objects.get(pk=case.pk).stage == "review"
