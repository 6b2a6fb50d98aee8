"""Letters and deadline acts through the API: the same services, gate and read model as the
web app's case page, each endpoint walked through the persona matrix."""

from __future__ import annotations

import datetime as dt
import json

from dueprocess.cases import services as svc
from dueprocess.cases.models import Case, InterimMeasure
from dueprocess.ledger.models import LedgerEntry
from dueprocess.letters.deadlines import deadlines_run
from dueprocess.letters.models import FeedbackGiven, Letter
from dueprocess.letters.sender import letters_send_due
from dueprocess.lib import clock
from dueprocess.lib.smtpurl import parse_smtp_url
from tests.api.client import problem_code, problem_of
from tests.api.matrix import MAY, PERSONAS, expected_status, staffed_case, walk
from tests.letters.smtp import smtp_server


def _impose(world, case: Case) -> InterimMeasure:  # type: ignore[no-untyped-def]
    return svc.interim_measure_impose(
        actor=world.case_manager,
        case=case,
        kind="administrative_suspension",
        ground="risk_of_harm",
        reasons="Threats.",
    )


def test_a_cases_letters_are_listed_with_status_hash_and_message_id(api, world):
    case = world.case_at("triage")
    with smtp_server() as mailbox:
        letters_send_due(server=parse_smtp_url(mailbox.url))
    letter = Letter.objects.get(case=case)
    response = api.get(f"/cases/{case.reference}/letters", "case_manager")
    assert response.status_code == 200
    (item,) = response.json()
    assert item["id"] == letter.pk and item["template"] == "acknowledgement"
    assert item["status"] == "sent" and item["sent_at"] is not None
    assert item["recipient_role"] == "complainant"
    assert item["recipient"] == letter.recipient_pseudonym
    assert item["content_sha256"] == letter.content_sha256
    assert item["message_id"] == letter.message_id == mailbox.message_ids()[0]
    assert "@" not in json.dumps({k: v for k, v in item.items() if k != "message_id"})
    assert item["pdf"] == f"/api/v1/cases/{case.reference}/letters/{letter.pk}/pdf"


def test_listing_letters_and_downloading_a_pdf_follow_the_matrix(api, world):
    case = staffed_case(world, "investigation")
    letter = Letter.objects.filter(case=case).first()
    assert letter is not None
    for persona in PERSONAS:
        want = expected_status(persona, world, "investigation", MAY["case.view"], 200)
        viewed = LedgerEntry.objects.filter(action="letter.viewed").count()
        listed = api.get(f"/cases/{case.reference}/letters", persona)
        pdf = api.get(f"/cases/{case.reference}/letters/{letter.pk}/pdf", persona)
        assert (listed.status_code, pdf.status_code) == (want, want), persona
        if want == 200:
            assert pdf["Content-Type"] == "application/pdf"
            assert pdf.content == bytes(letter.pdf) and pdf.content.startswith(b"%PDF")
            assert LedgerEntry.objects.filter(action="letter.viewed").count() == viewed + 1
        else:
            assert problem_code(pdf) == "not-found"
            assert LedgerEntry.objects.filter(action="letter.viewed").count() == viewed


def test_a_letter_of_another_case_is_not_found(api, world):
    first, second = world.case_at("triage"), world.case_at("triage")
    other = Letter.objects.get(case=second)
    response = api.get(f"/cases/{first.reference}/letters/{other.pk}/pdf", "case_manager")
    assert response.status_code == 404 and problem_code(response) == "not-found"


def test_feedback_follows_the_matrix_and_stops_the_clock(api, world):
    def give(api, case, persona):  # type: ignore[no-untyped-def]
        return api.post(f"/cases/{case.reference}/feedback", {"text": "Under way."}, persona)

    walk(api, world, stage="investigation", may=MAY["case.note"], success=201, request=give)
    given = FeedbackGiven.objects.order_by("-pk").first()
    assert given is not None and given.text == "Under way."
    assert LedgerEntry.objects.filter(action="case.feedback_given").count() == len(
        [p for p in MAY["case.note"] if p in ("case_manager", "investigator", "panel_chair")]
    )


def test_blank_or_malformed_feedback_is_refused_and_records_nothing(api, world):
    case = world.case_at("investigation")
    for body in ({"text": "   "}, {"text": 7}, {}, {"text": "ok", "extra": 1}, []):
        response = api.post(f"/cases/{case.reference}/feedback", body, "case_manager")
        assert response.status_code == 422, (body, response.content)
        assert problem_code(response) == "validation"
    assert not FeedbackGiven.objects.exists()


def test_continuing_a_measure_follows_the_matrix(api, world):
    review_on = (clock.today() + dt.timedelta(days=10)).isoformat()

    def go_on(api, case, persona):  # type: ignore[no-untyped-def]
        measure = InterimMeasure.objects.get(case=case)
        path = f"/cases/{case.reference}/interim-measures/{measure.pk}/continue"
        return api.post(path, {"reasons": "Still needed.", "review_on": review_on}, persona)

    walk(
        api,
        world,
        stage="received",
        may=MAY["case.interim"],
        request=go_on,
        prepare=lambda case: _impose(world, case),
    )
    moved = InterimMeasure.objects.filter(review_on=review_on)
    assert moved.exists() and all(m.lifted_at is None for m in moved)


def test_a_review_date_out_of_range_is_explained_and_changes_nothing(api, world):
    case = world.case_at("received")
    measure = _impose(world, case)
    path = f"/cases/{case.reference}/interim-measures/{measure.pk}/continue"
    for review_on in (clock.today().isoformat(), "2999-01-01", "not a date"):
        response = api.post(path, {"reasons": "Still.", "review_on": review_on}, "case_manager")
        assert response.status_code == 422, response.content
        assert "review_on" in problem_of(response).get("errors", {})
    assert InterimMeasure.objects.get(pk=measure.pk).review_on == measure.review_on


def test_a_lifted_measure_cannot_be_continued(api, world):
    case = world.case_at("received")
    measure = _impose(world, case)
    svc.interim_measure_lift(actor=world.case_manager, measure=measure, reason="Done.")
    review_on = (clock.today() + dt.timedelta(days=5)).isoformat()
    response = api.post(
        f"/cases/{case.reference}/interim-measures/{measure.pk}/continue",
        {"reasons": "Still.", "review_on": review_on},
        "case_manager",
    )
    assert response.status_code == 422
    assert InterimMeasure.objects.get(pk=measure.pk).lifted_at is not None


def test_my_notices_are_the_queues_reminders_and_escalations(api, world):
    case = world.open_case()
    with clock.frozen(clock.now() + dt.timedelta(days=8)):
        deadlines_run()
    response = api.get("/me/notices", "case_manager")
    assert response.status_code == 200
    texts = [n["text"] for n in response.json() if n["reference"] == case.reference]
    assert any("acknowledgement is due" in t for t in texts)
    assert {n["kind"] for n in response.json()} <= {"reminder", "escalation"}
    # an investigator was sent nothing about this case
    assert api.get("/me/notices", "investigator").json() == []
    assert api.get("/me/notices", "outsider").status_code in (200, 403)
