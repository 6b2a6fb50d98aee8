"""The case page and its forms: what each viewer is offered, what a submission changes, and
what a failed submission keeps and says — never a 500, never lost input."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dueprocess.cases.models import Case, EvidenceItem, InterimMeasure, Note
from dueprocess.ledger.models import LedgerEntry
from tests.web.conftest import enrol
from tests.world import World


def page(client: Client, case: Case) -> str:
    response = client.get(f"/cases/{case.reference}/")
    assert response.status_code == 200
    return response.content.decode()


def step_ids(html: str) -> set[str]:
    return set(re.findall(r'<details id="step-([a-z_]+)"', html))


def test_the_case_page_shows_the_file_and_records_the_view_first(world: World, signed_in):
    case = world.case_at("triage")
    before = LedgerEntry.objects.filter(action="case.viewed").count()
    html = page(signed_in("intake"), case)
    assert LedgerEntry.objects.filter(action="case.viewed").count() == before + 1
    for text in ("Ola Complainant", "Rex Respondent", "Shared the post on 3 March.", "Triage"):
        assert text in html
    assert "Viewed the case file" in html  # the view just recorded is on the timeline
    assert "Received → Triage" in html and "ledger #" in html


def test_only_the_steps_the_viewer_may_take_are_offered(world: World, signed_in):
    case = world.case_at("triage")
    assert step_ids(page(signed_in("intake"), case)) == {"accept", "not_investigated"}
    assert step_ids(page(signed_in("reviewer"), case)) == set()
    assert "What you can do" not in page(signed_in("reviewer"), case)


def test_people_outside_the_case_get_404_and_the_attempt_is_recorded(world: World, signed_in):
    case = world.case_at("investigation")
    denied = LedgerEntry.objects.filter(action="access.denied").count()
    for persona in ("political", "moved", "investigator_b", "oversight"):
        assert signed_in(persona).get(f"/cases/{case.reference}/").status_code == 404
    assert LedgerEntry.objects.filter(action="access.denied").count() == denied + 4
    assert signed_in("intake").get("/cases/C-1999-99999/").status_code == 404


def test_a_step_moves_the_case_and_returns_to_its_page(world: World, signed_in):
    case = world.open_case()
    client = signed_in("intake")
    response = client.post(
        f"/cases/{case.reference}/steps/acknowledge/",
        {"step-acknowledge-expected_version": case.version},
    )
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.reference}/"
    assert Case.objects.get(pk=case.pk).stage == "triage"


def test_accepting_hands_the_case_on_and_sends_the_intake_officer_to_their_queue(
    world: World, signed_in
):
    case = world.case_at("triage")
    answers = {f"step-accept-answer_{q.key}": "yes" for q in world.rules.triage_questions}
    response = signed_in("intake").post(
        f"/cases/{case.reference}/steps/accept/",
        {
            **answers,
            "step-accept-expected_version": case.version,
            "step-accept-category": "antisemitism",
            "step-accept-member_reason": "Joined this month; not in the register yet.",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/queue/"
    assert "left your list" in response.content.decode()
    assert Case.objects.get(pk=case.pk).stage == "investigation"


def test_accepting_with_a_no_answer_says_the_case_was_not_accepted(world: World, signed_in):
    case = world.case_at("triage")
    answers = {f"step-accept-answer_{q.key}": "yes" for q in world.rules.triage_questions}
    answers["step-accept-answer_respondent_is_member"] = "no"
    response = signed_in("intake").post(
        f"/cases/{case.reference}/steps/accept/",
        {
            **answers,
            "step-accept-expected_version": case.version,
            "step-accept-category": "antisemitism",
            "step-accept-reason": "The respondent is not a member.",
        },
        follow=True,
    )
    html = response.content.decode()
    stage = Case.objects.get(pk=case.pk).stage
    assert stage != "investigation"
    assert "Not accepted for investigation" in html
    assert "Accept for investigation: done" not in html


def test_a_duplicate_names_the_case_it_repeats_on_its_page(world: World, signed_in):
    from dueprocess.cases import services as svc

    original = world.open_case()
    case = world.case_at("triage")
    answers = {q.key: True for q in world.rules.triage_questions} | {"not_duplicate": False}
    svc.case_triage(
        member_reason="Joined this month; not in the register yet.",
        actor=world.intake,
        case=case,
        answers=answers,
        duplicate_of=original.reference,
        reason="Repeats an open complaint.",
    )
    html = page(signed_in("case_manager"), case)
    link = f'<a href="/cases/{original.reference}/">{original.reference}</a>'
    assert f"A duplicate of {link}." in html


def test_a_refused_submission_keeps_what_was_typed_and_names_the_field(world: World, signed_in):
    case = world.case_at("triage")
    answers = {f"step-accept-answer_{q.key}": "yes" for q in world.rules.triage_questions}
    answers["step-accept-answer_respondent_is_member"] = "no"
    response = signed_in("intake").post(
        f"/cases/{case.reference}/steps/accept/",
        {
            **answers,
            "step-accept-expected_version": case.version,
            "step-accept-category": "islamophobia",
            "step-accept-duplicate_of": "",
        },
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "needs written reasons" in html and 'aria-invalid="true"' in html
    assert re.search(r'value="islamophobia"[^>]*selected', html)
    assert re.search(r'name="step-accept-answer_respondent_is_member" value="no"[^>]*checked', html)
    assert '<details id="step-accept" open>' in html
    assert Case.objects.get(pk=case.pk).stage == "triage"


def test_a_form_left_open_while_the_case_moved_is_refused_as_stale(world: World, signed_in):
    case = world.open_case()
    stale = case.version
    world.advance(case, "triage")
    response = signed_in("case_manager").post(
        f"/cases/{case.reference}/steps/not_investigated/",
        {
            **{
                f"step-not_investigated-answer_{q.key}": "yes" for q in world.rules.triage_questions
            },
            "step-not_investigated-expected_version": stale,
            "step-not_investigated-category": case.category,
            "step-not_investigated-ground": "withdrawn",
            "step-not_investigated-reason": "Withdrawn in writing.",
        },
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "changed while you were looking" in html
    assert "Withdrawn in writing." in html  # nothing typed is lost
    current = Case.objects.get(pk=case.pk)
    assert f'value="{current.version}"' in html and current.stage == "triage"


def test_shape_errors_come_back_as_422_with_the_case_page(world: World, signed_in):
    case = world.case_at("investigation")
    world.prepare_for(case, "submit_recommendation")
    response = signed_in("investigator").post(
        f"/cases/{case.reference}/steps/submit_recommendation/",
        {"step-submit_recommendation-expected_version": "not a number"},
    )
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()


def test_a_recommendation_outside_the_ladder_is_explained_beside_the_sanctions(world, signed_in):
    case = world.case_at("investigation")
    world.prepare_for(case, "submit_recommendation")
    prefix = "step-submit_recommendation"
    response = signed_in("investigator").post(
        f"/cases/{case.reference}/steps/submit_recommendation/",
        {
            f"{prefix}-expected_version": case.version,
            f"{prefix}-finding": "breach",
            f"{prefix}-sanctions": ["formal_warning", "suspension"],
            f"{prefix}-reason": "Both, to be safe.",
        },
    )
    assert response.status_code == 422
    assert "Choose one sanction from the ladder" in response.content.decode()
    assert case.recommendations.count() == 0


def test_notes_evidence_and_interim_measures_are_added_from_the_page(world: World, signed_in):
    case = world.case_at("investigation")
    client = signed_in("case_manager")
    base = f"/cases/{case.reference}"
    assert (
        client.post(f"{base}/notes/", {"note-body": "Called the complainant."}).status_code == 302
    )
    evidence = {
        "evidence-title": "Screenshot",
        "evidence-kind": "screenshot",
        "evidence-file": SimpleUploadedFile("shot.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 40),
    }
    assert client.post(f"{base}/evidence/", evidence).status_code == 302
    measure = {
        "impose-kind": "administrative_suspension",
        "impose-ground": "risk_of_harm",
        "impose-reasons": "Threats made to the complainant.",
    }
    assert client.post(f"{base}/measures/", measure).status_code == 302
    imposed = InterimMeasure.objects.get(case=case)
    lifted = client.post(
        f"{base}/measures/{imposed.pk}/lift/", {f"lift-{imposed.pk}-reason": "Risk over."}
    )
    assert lifted.status_code == 302
    assert Note.objects.filter(case=case).count() == 1
    assert EvidenceItem.objects.filter(case=case).count() == 1
    assert InterimMeasure.objects.get(pk=imposed.pk).lifted_at is not None


def test_a_program_named_pdf_is_refused_with_the_input_kept(world: World, signed_in):
    case = world.case_at("investigation")
    response = signed_in("case_manager").post(
        f"/cases/{case.reference}/evidence/",
        {
            "evidence-title": "Chat log",
            "evidence-kind": "document",
            "evidence-file": SimpleUploadedFile(
                "log.pdf", b"MZ\x90\0" + b"\0" * 60, "application/pdf"
            ),
        },
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "is a program" in html and 'value="Chat log"' in html
    assert not case.evidence.exists()


def test_the_case_manager_appoints_an_investigator_who_then_finds_it_in_their_queue(
    world: World, signed_in
):
    case = world.case_at("investigation")
    response = signed_in("case_manager").post(
        f"/cases/{case.reference}/assignments/",
        {"assign-role": "investigator", "assign-assignee": world.investigator.pk},
    )
    assert response.status_code == 302
    assert case.reference in signed_in("investigator").get("/queue/").content.decode()


def test_the_timeline_names_the_person_appointed_and_the_role(world: World, signed_in):
    from dueprocess.cases import services as svc

    case = world.case_at("investigation")
    client = signed_in("case_manager")
    client.post(
        f"/cases/{case.reference}/assignments/",
        {"assign-role": "investigator", "assign-assignee": world.investigator.pk},
    )
    appointment = case.assignments.get()
    svc.assignment_end(actor=world.case_manager, assignment=appointment, reason="Moved on.")
    html = page(client, case)
    timeline = html[html.index('id="timeline-h"') :]
    name = world.investigator.full_name
    assert f"Appointed {name} as investigator" in timeline
    assert f"Ended the appointment of {name} as investigator" in timeline
    assert "Appointed someone" not in timeline


def test_appointing_a_conflicted_person_is_refused_and_they_are_recused(world: World, signed_in):
    case = world.case_at("investigation")
    response = signed_in("case_manager").post(
        f"/cases/{case.reference}/assignments/",
        {"assign-role": "investigator", "assign-assignee": world.moved.pk},
    )
    assert response.status_code == 409
    assert "They have been recused" in response.content.decode()
    assert case.recusals.filter(user=world.moved).exists()


def test_an_investigator_may_not_appoint_and_gets_403(world: World, signed_in):
    case = world.case_at("investigation")
    world.prepare_for(case, "submit_recommendation")
    response = signed_in("investigator").post(
        f"/cases/{case.reference}/assignments/",
        {"assign-role": "investigator", "assign-assignee": world.investigator_b.pk},
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    "suffix",
    [
        "steps/acknowledge/",
        "notes/",
        "evidence/",
        "interviews/",
        "consents/",
        "assignments/",
        "measures/",
    ],
)
def test_state_changing_addresses_refuse_get(world: World, signed_in, suffix):
    case = world.open_case()
    assert signed_in("case_manager").get(f"/cases/{case.reference}/{suffix}").status_code == 405


def test_a_post_without_a_csrf_token_is_refused(world: World):
    case = world.open_case()
    client = Client(enforce_csrf_checks=True)
    enrol(world.case_manager)
    client.force_login(world.case_manager)
    response = client.post(f"/cases/{case.reference}/notes/", {"note-body": "Forged."})
    assert response.status_code == 403
    assert "form has expired" in response.content.decode()
    assert not Note.objects.filter(case=case).exists()


def test_an_unknown_step_is_not_found(world: World, signed_in):
    case = world.open_case()
    response = signed_in("case_manager").post(f"/cases/{case.reference}/steps/teleport/", {})
    assert response.status_code == 404


def test_the_case_page_costs_the_same_queries_with_one_note_or_twenty(world, signed_in):
    from dueprocess.cases.services import note_add

    case = world.case_at("investigation")
    client = signed_in("case_manager")
    client.get(f"/cases/{case.reference}/")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/cases/{case.reference}/").status_code == 200
        return len(captured.captured_queries)

    note_add(actor=world.case_manager, case=case, body="First.")
    few = queries()
    for n in range(19):
        note_add(actor=world.case_manager, case=case, body=f"Note {n}.")
    assert queries() == few


def test_an_uploaded_file_is_linked_on_the_page_and_downloads_recorded(world: World, signed_in):
    case = world.case_at("investigation")
    client = signed_in("case_manager")
    content = b"%PDF-1.7\nStatement of the witness.\n"
    upload = {
        "evidence-title": "Witness statement",
        "evidence-kind": "statement",
        "evidence-file": SimpleUploadedFile("statement.exe", content, "application/x-msdownload"),
    }
    assert client.post(f"/cases/{case.reference}/evidence/", upload).status_code == 302
    item = EvidenceItem.objects.get(case=case)
    link = f"/cases/{case.reference}/evidence/{item.pk}/file"
    page = client.get(f"/cases/{case.reference}/").content.decode()
    assert f'href="{link}"' in page and "application/pdf" in page
    before = LedgerEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
    got = client.get(link)
    assert got.status_code == 200 and got.content == content
    assert got["Content-Type"] == "application/pdf" and got["X-Content-Type-Options"] == "nosniff"
    actions = LedgerEntry.objects.filter(seq__gt=before).values_list("action", flat=True)
    assert list(actions) == ["evidence.downloaded"]
    assert signed_in("political").get(link).status_code == 404
