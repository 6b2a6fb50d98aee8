"""Every case endpoint walks the persona matrix: 2xx where the policy allows, 403 for those who
may see the case but not act, 404 for everyone who may not know it exists."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dueprocess.access.models import EmergencyAccess
from dueprocess.cases import services as svc
from dueprocess.cases.models import AdviceRequest, Assignment, Case, InterimMeasure, SignOff
from dueprocess.cases.services import emergency
from dueprocess.ledger.models import LedgerEntry
from tests.api.client import problem_code
from tests.api.matrix import (
    MAY,
    OUTSIDE_THE_TEAM,
    PERSONAS,
    REFUSAL,
    expected_status,
    may_view,
    narrow_status,
    staffed_case,
    walk,
)
from tests.world import within_guideline

ALL_YES = {"in_scope": True, "respondent_is_member": True, "not_duplicate": True}
READS = (
    "",
    "/steps",
    "/notes",
    "/assignments",
    "/interim-measures",
    "/recommendations",
    "/decisions",
    "/evidence",
    "/approaches",
    "/advice-requests",
)


@pytest.mark.parametrize("stage", ["received", "investigation"])
def test_every_read_of_a_case_follows_the_matrix_and_is_recorded(api, world, stage):
    case = staffed_case(world, stage)
    for persona in PERSONAS:
        want = expected_status(persona, world, stage, MAY["case.view"], 200)
        for suffix in READS:
            viewed = LedgerEntry.objects.filter(action="case.viewed").count()
            denied = LedgerEntry.objects.filter(action="access.denied").count()
            response = api.get(f"/cases/{case.reference}{suffix}", persona)
            assert response.status_code == want, (persona, suffix)
            if want == 200:
                assert LedgerEntry.objects.filter(action="case.viewed").count() == viewed + 1
            else:
                assert LedgerEntry.objects.filter(action="access.denied").count() == denied + 1


def test_adding_a_note_follows_the_matrix(api, world):
    walk(
        api,
        world,
        stage="investigation",
        may=MAY["case.note"],
        success=201,
        request=lambda api, case, p: api.post(
            f"/cases/{case.reference}/notes", {"body": "Spoke to the witness."}, p
        ),
    )


def test_assigning_follows_the_matrix(api, world):
    def assign(api, case, persona):  # type: ignore[no-untyped-def]
        body = {"assignee": world.investigator_b.email, "role": "investigator"}
        return api.post(f"/cases/{case.reference}/assignments", body, persona)

    walk(api, world, stage="investigation", may=MAY["case.assign"], success=201, request=assign)


def test_ending_an_assignment_follows_the_matrix(api, world):
    def end(api, case, persona):  # type: ignore[no-untyped-def]
        assignment = Assignment.objects.get(case=case, role="investigator", ended_at=None)
        body = {"reason": "Workload."}
        return api.post(f"/cases/{case.reference}/assignments/{assignment.pk}/end", body, persona)

    walk(api, world, stage="investigation", may=MAY["case.assign"], request=end)


@pytest.mark.parametrize("stage", ["received", "investigation"])
def test_imposing_an_interim_measure_follows_the_matrix(api, world, stage):
    body = {"kind": "administrative_suspension", "ground": "risk_of_harm", "reasons": "Threats."}
    walk(
        api,
        world,
        stage=stage,
        may=MAY["case.interim"],
        success=201,
        request=lambda api, case, p: api.post(f"/cases/{case.reference}/interim-measures", body, p),
    )
    assert InterimMeasure.objects.filter(lifted_at=None).exists()


def test_lifting_an_interim_measure_follows_the_matrix(api, world):
    def impose(case):  # type: ignore[no-untyped-def]
        svc.interim_measure_impose(
            actor=world.case_manager,
            case=case,
            kind="administrative_suspension",
            ground="risk_of_harm",
            reasons="Threats.",
        )

    def lift(api, case, persona):  # type: ignore[no-untyped-def]
        measure = InterimMeasure.objects.get(case=case)
        path = f"/cases/{case.reference}/interim-measures/{measure.pk}/lift"
        return api.post(path, {"reason": "Statements taken."}, persona)

    walk(api, world, stage="received", may=MAY["case.interim"], request=lift, prepare=impose)


def test_acknowledging_follows_the_matrix(api, world):
    walk(
        api,
        world,
        stage="received",
        may={"intake", "case_manager"},
        request=lambda api, case, p: api.post(
            f"/cases/{case.reference}/transitions/acknowledge", {}, p
        ),
    )


def test_triage_follows_the_matrix(api, world):
    walk(
        api,
        world,
        stage="triage",
        may={"intake", "case_manager"},
        request=lambda api, case, p: api.post(
            f"/cases/{case.reference}/triage",
            {"answers": ALL_YES, "member_reason": "Joined this month."},
            p,
        ),
    )
    assert Case.objects.filter(stage="investigation").count() == 2


def test_submitting_a_recommendation_follows_the_matrix(api, world):
    def recommend(api, case, persona):  # type: ignore[no-untyped-def]
        body = {"finding": "breach", "sanctions": within_guideline(case), "reasons": "Proven."}
        return api.post(f"/cases/{case.reference}/recommendation", body, persona)

    walk(api, world, stage="investigation", may={"investigator"}, success=201, request=recommend)


def test_recording_a_decision_follows_the_matrix(api, world):
    def decide(api, case, persona):  # type: ignore[no-untyped-def]
        body = {"finding": "breach", "sanctions": within_guideline(case), "reasons": "Adopted."}
        return api.post(f"/cases/{case.reference}/decision", body, persona)

    walk(api, world, stage="panel", may={"panel_chair"}, success=201, request=decide)


def test_notifying_follows_the_matrix(api, world):
    walk(
        api,
        world,
        stage="decided",
        may={"case_manager"},
        request=lambda api, case, p: api.post(f"/cases/{case.reference}/transitions/notify", {}, p),
    )


def test_exporting_a_proof_bundle_follows_the_matrix(api, world):
    walk(
        api,
        world,
        stage="investigation",
        may=MAY["case.prove"],
        request=lambda api, case, p: api.get(f"/cases/{case.reference}/proof", p),
    )
    assert LedgerEntry.objects.filter(action="case.proof_exported").count() == 2


def test_listing_cases_follows_the_matrix_and_lists_only_what_each_may_see(api, world, outsider):
    from dueprocess.access.rules import visible_cases

    for stage in ("received", "triage", "investigation", "panel", "closed"):
        staffed_case(world, stage)
    world.case_at("received", unit=world.other_unit, by="other_manager")
    refused = {"oversight", "political", "admin"}
    for persona in PERSONAS:
        response = api.get("/cases?limit=100", persona)
        if persona in refused:
            assert response.status_code == 403, persona
            continue
        assert response.status_code == 200, persona
        user = api.people[persona]
        shown = {item["reference"] for item in response.json()["items"]}
        assert shown == set(visible_cases(user).values_list("reference", flat=True)), persona
    assert api.get("/cases", "outsider").json()["items"] == []
    assert len(api.get("/cases?limit=100", "reviewer").json()["items"]) == Case.objects.count()


def test_opening_a_case_follows_the_matrix(api, world):
    body = {
        "unit": world.unit.slug,
        "category": "other_conduct",
        "summary": "Abusive messages to a branch officer.",
        "complainant": {"name": "Ola Complainant"},
        "respondent": {"name": "Rex Respondent"},
    }
    for persona in PERSONAS:
        if persona == "outsider":
            continue  # another organisation: its own unit slug is a different unit
        response = api.post("/cases", body, persona)
        # case.open by a role held in this unit, and no standing conflict ("moved")
        openers = {"intake", "case_manager"}
        want = 201 if persona in openers else 403
        assert response.status_code == want, persona


def test_adding_evidence_follows_the_matrix(api, world):
    def upload(api, case, persona):  # type: ignore[no-untyped-def]
        body = {
            "title": "Screenshot of the post",
            "kind": "screenshot",
            "file": SimpleUploadedFile("post.pdf", b"%PDF-1.7 post"),
        }
        return api.upload(f"/cases/{case.reference}/evidence", body, persona)

    walk(
        api,
        world,
        stage="investigation",
        may=MAY["case.evidence"],
        success=201,
        request=upload,
    )


def test_revising_a_recommendation_follows_the_matrix(api, world):
    def revise(api, case, persona):  # type: ignore[no-untyped-def]
        body = {"finding": "breach", "sanctions": within_guideline(case), "reasons": "Fixed."}
        return api.post(f"/cases/{case.reference}/recommendations/1/revise", body, persona)

    walk(
        api,
        world,
        stage="panel",
        may={"investigator"},
        success=201,
        request=revise,
        # they may add to the case file, but a recommendation is the investigator's
        otherwise={"case_manager": 409, "panel_chair": 409},
    )
    assert LedgerEntry.objects.filter(action="recommendation.revised").count() == 1


def test_declaring_a_recusal_follows_the_matrix(api, world):
    walk(
        api,
        world,
        stage="investigation",
        may=MAY["case.view"],
        success=201,
        request=lambda api, case, p: api.post(
            f"/cases/{case.reference}/recusal", {"reason": "I know the respondent."}, p
        ),
    )


def test_logging_an_approach_follows_the_matrix(api, world):
    body = {
        "approached_by": "Alex Doe, Leader's office",
        "channel": "email",
        "occurred_at": "2026-01-05T09:00:00+00:00",
        "what_was_asked": "Could it wait until after the selection?",
    }
    for stage in ("received", "investigation"):
        walk(
            api,
            world,
            stage=stage,
            may=MAY["case.approach"],
            success=201,
            request=lambda api, case, p: api.post(f"/cases/{case.reference}/approaches", body, p),
        )


def _ask(world, case):  # type: ignore[no-untyped-def]
    return svc.advice_request_create(
        actor=world.case_manager,
        case=case,
        adviser=world.people[OUTSIDE_THE_TEAM],
        question="Is a selection open?",
        extract="A branch officer.",
    )


def test_asking_for_advice_follows_the_matrix(api, world):
    def ask(api, case, persona):  # type: ignore[no-untyped-def]
        body = {
            "adviser": world.people[OUTSIDE_THE_TEAM].email,
            "question": "Is a selection open?",
            "extract": "A branch officer.",
        }
        return api.post(f"/cases/{case.reference}/advice-requests", body, persona)

    walk(api, world, stage="investigation", may=MAY["case.advice"], success=201, request=ask)


def test_closing_an_advice_request_follows_the_matrix(api, world):
    def close(api, case, persona):  # type: ignore[no-untyped-def]
        found = AdviceRequest.objects.get(case=case)
        return api.post(f"/advice-requests/{found.pk}/close", {"reason": "Done."}, persona)

    walk(
        api,
        world,
        stage="investigation",
        may=MAY["case.advice"],
        request=close,
        prepare=lambda case: _ask(world, case),
    )
    assert AdviceRequest.objects.filter(closed_at__isnull=False).count() == 2


def _signoff(world, stage):  # type: ignore[no-untyped-def]
    case = world.case_at(stage, respondent=svc.PartyInput(name="Rep", elected_office="MP"))
    for key, step in world.rules.transitions.items():
        if step.kind in ("recommend", "decide") and world.rules.stages[stage].phase != "intake":
            world.prepare_for(case, key)
    svc.interim_measure_impose(
        actor=world.case_manager,
        case=case,
        kind="administrative_suspension",
        ground="risk_of_harm",
        reasons="Threats.",
    )
    return SignOff.objects.get(case=case)


def _narrow_walk(api, world, stage, subject, read, act, acted):  # type: ignore[no-untyped-def]
    """Everyone but the person a formal channel was put to is refused — 403 if they may see
    the case, 404 if not — before that person reads it and then acts on it."""
    for persona in PERSONAS:
        if persona == OUTSIDE_THE_TEAM:
            continue
        for call in (read, act):
            response = call(api, subject, persona)
            want = narrow_status(persona, world, stage, 200)
            assert response.status_code == want, (persona, response.content)
            assert problem_code(response) == REFUSAL[want]
    assert not acted()
    assert read(api, subject, OUTSIDE_THE_TEAM).status_code == 200
    assert act(api, subject, OUTSIDE_THE_TEAM).status_code == 200
    assert acted()


@pytest.mark.parametrize("stage", ["received", "investigation"])
def test_an_advice_request_is_read_and_answered_by_its_adviser_alone(api, world, stage):
    found = _ask(world, staffed_case(world, stage))
    _narrow_walk(
        api,
        world,
        stage,
        found,
        read=lambda api, r, p: api.get(f"/advice-requests/{r.pk}", p),
        act=lambda api, r, p: api.post(f"/advice-requests/{r.pk}/answer", {"answer": "No."}, p),
        acted=lambda: AdviceRequest.objects.get(pk=found.pk).answered_at is not None,
    )


@pytest.mark.parametrize("stage", ["received", "investigation"])
def test_a_sign_off_is_read_and_recorded_by_its_signer_alone(api, world, stage):
    found = _signoff(world, stage)
    answer = {"outcome": "signed", "reasons": "Proportionate."}
    _narrow_walk(
        api,
        world,
        stage,
        found,
        read=lambda api, s, p: api.get(f"/sign-offs/{s.pk}", p),
        act=lambda api, s, p: api.post(f"/sign-offs/{s.pk}", answer, p),
        acted=lambda: SignOff.objects.get(pk=found.pk).status == "signed",
    )


def test_every_inbox_and_board_shows_each_persona_only_their_own(api, world, outsider):
    case = staffed_case(world, "investigation")
    asked = _ask(world, case)
    signoff = _signoff(world, "investigation")
    grant = emergency.emergency_access_request(
        actor=world.investigator_b, case=case, reason="The investigator is off sick."
    )
    for persona in PERSONAS:
        listed = {}
        for path, action in [
            ("/advice-requests", "advice_list.viewed"),
            ("/sign-offs", "signoff_list.viewed"),
            ("/emergency-access", "emergency_list.viewed"),
        ]:
            recorded = LedgerEntry.objects.filter(action=action).count()
            response = api.get(path, persona)
            assert response.status_code == 200, (persona, path)
            assert LedgerEntry.objects.filter(action=action).count() == recorded + 1
            listed[path] = response.json()
        ours = persona == OUTSIDE_THE_TEAM
        assert [i["id"] for i in listed["/advice-requests"]] == ([asked.pk] if ours else [])
        assert [i["id"] for i in listed["/sign-offs"]] == ([signoff.pk] if ours else [])
        board = listed["/emergency-access"]
        approver = persona in MAY["emergency.approve"]
        assert [g["id"] for g in board["awaiting"]] == ([grant.pk] if approver else []), persona
        assert [g["id"] for g in board["mine"]] == (
            [grant.pk] if persona == "investigator_b" else []
        )


@pytest.mark.parametrize("stage", ["received", "investigation"])
def test_asking_for_emergency_access_follows_the_matrix(api, world, stage):
    """Asked of a case one is not on: those who may not ask are told nothing about a case
    they may not see (404), and 403 only if they may see it."""
    case = staffed_case(world, stage)
    path = f"/cases/{case.reference}/emergency-access"
    for persona in PERSONAS:
        response = api.post(path, {"reason": "Nobody on it can act today."}, persona)
        if persona in MAY["case.emergency"]:
            want = 201
        else:
            want = 403 if may_view(persona, world, stage) else 404
        assert response.status_code == want, (persona, response.content)
    askers = set(EmergencyAccess.objects.values_list("requester__email", flat=True))
    assert askers == {f"{p}@westfold.example" for p in MAY["case.emergency"]}


@pytest.mark.parametrize("decision", ["approve", "refuse"])
def test_deciding_on_emergency_access_follows_the_matrix(api, world, decision):
    body = {"hours": 4} if decision == "approve" else {"reason": "Not urgent."}

    def asked():  # type: ignore[no-untyped-def]
        return emergency.emergency_access_request(
            actor=world.investigator_b,
            case=world.case_at("investigation"),
            reason="The investigator is off sick.",
        )

    grant = asked()
    for persona in PERSONAS:
        if persona in MAY["emergency.approve"]:
            continue
        response = api.post(f"/emergency-access/{grant.pk}/{decision}", body, persona)
        want = 404 if persona == "outsider" else 403
        assert response.status_code == want, (persona, response.content)
    assert EmergencyAccess.objects.get(pk=grant.pk).approver is None
    for persona in sorted(MAY["emergency.approve"]):
        fresh = asked()
        response = api.post(f"/emergency-access/{fresh.pk}/{decision}", body, persona)
        assert response.status_code == 200, (persona, response.content)
        assert EmergencyAccess.objects.get(pk=fresh.pk).approver == world.people[persona]
