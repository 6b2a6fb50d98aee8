"""Every case endpoint walks the persona matrix: 2xx where the policy allows, 403 for those who
may see the case but not act, 404 for everyone who may not know it exists."""

from __future__ import annotations

import pytest

from dueprocess.cases import services as svc
from dueprocess.cases.models import Assignment, Case, InterimMeasure
from dueprocess.ledger.models import LedgerEntry
from tests.api.matrix import MAY, PERSONAS, expected_status, staffed_case, walk
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
            f"/cases/{case.reference}/triage", {"answers": ALL_YES}, p
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
