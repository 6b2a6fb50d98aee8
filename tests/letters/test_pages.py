"""Letters and deadlines in the staff web app: the case page, the PDF, the queue."""

from __future__ import annotations

import datetime as dt

import pytest

from dueprocess.cases.timeline import case_timeline
from dueprocess.letters.deadlines import deadlines_run
from dueprocess.letters.models import Letter
from dueprocess.letters.sender import letters_send_due
from dueprocess.lib import clock
from tests.signing_in import signer_in


@pytest.fixture
def signed_in(world):  # type: ignore[no-untyped-def]
    return signer_in(world)


def test_the_case_page_lists_the_letters_and_the_timeline_shows_them_sent(
    world, signed_in, mailbox
):
    case = world.case_at("triage")
    letters_send_due()
    letter = Letter.objects.get(case=case)
    html = signed_in("case_manager").get(f"/cases/{case.reference}/").content.decode()
    assert letter.subject in html and f"/letters/{letter.pk}.pdf" in html
    assert "Letter delivered to the mail server" in html
    assert (
        f"Acknowledgement to the complainant (content SHA-256 {letter.content_sha256[:12]}" in html
    )


def test_the_pdf_download_is_recorded_before_it_is_given(world, signed_in):
    case = world.case_at("triage")
    letter = Letter.objects.get(case=case)
    response = signed_in("case_manager").get(f"/cases/{case.reference}/letters/{letter.pk}.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content == bytes(letter.pdf)
    (viewed,) = [i for i in case_timeline(case) if i.action == "letter.viewed"]
    assert viewed.details["letter"] == letter.pk


def test_a_letter_of_another_case_is_not_found(world, signed_in):
    first, second = world.case_at("triage"), world.case_at("triage")
    other = Letter.objects.get(case=second)
    client = signed_in("case_manager")
    assert client.get(f"/cases/{first.reference}/letters/{other.pk}.pdf").status_code == 404
    outsider = signed_in("political")
    assert outsider.get(f"/cases/{second.reference}/letters/{other.pk}.pdf").status_code == 404


def test_reminders_and_escalations_are_in_the_persons_queue(world, signed_in):
    case = world.open_case()
    with clock.frozen(clock.now() + dt.timedelta(days=8)):
        deadlines_run()
    html = signed_in("case_manager").get("/queue/").content.decode()
    assert "Escalation:" in html and f"{case.reference}: acknowledgement is due" in html


def test_the_close_form_asks_for_a_reason_while_the_appeal_window_is_open(world, signed_in):
    case = world.case_at("notified")
    client = signed_in("case_manager")
    html = client.get(f"/cases/{case.reference}/").content.decode()
    assert "Required: the appeal window is open until" in html
    url = f"/cases/{case.reference}/steps/close/"
    refused = client.post(url, {"step-close-expected_version": case.version})
    assert refused.status_code == 422
    case.refresh_from_db()
    assert case.stage == "notified"
    done = client.post(
        url,
        {"step-close-expected_version": case.version, "step-close-reason": "Both waived it."},
    )
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.stage == "closed"


def test_feedback_is_given_from_the_case_page_and_a_blank_one_is_refused(world, signed_in):
    case = world.case_at("investigation")
    client = signed_in("case_manager")
    url = f"/cases/{case.reference}/feedback/"
    assert client.post(url, {"feedback-text": " "}).status_code == 422
    assert client.post(url, {"feedback-text": "We are interviewing witnesses."}).status_code == 302
    letter = Letter.objects.get(case=case, template="feedback")
    assert "We are interviewing witnesses." in letter.text


def test_a_measure_is_continued_from_the_case_page_and_a_bad_date_is_explained(world, signed_in):
    from dueprocess.cases import services as svc

    case = world.case_at("investigation")
    measure = svc.interim_measure_impose(
        actor=world.case_manager,
        case=case,
        kind="administrative_suspension",
        ground="risk_of_harm",
        reasons="Threats.",
    )
    client = signed_in("case_manager")
    url = f"/cases/{case.reference}/measures/{measure.pk}/continue/"
    far = (clock.today() + dt.timedelta(days=90)).isoformat()
    typed = "Witnesses still to be heard."
    refused = client.post(
        url, {f"continue-{measure.pk}-reasons": typed, f"continue-{measure.pk}-review_on": far}
    )
    assert refused.status_code == 422
    html = refused.content.decode()
    assert typed in html and "at most 28 days" in html
    soon = (clock.today() + dt.timedelta(days=14)).isoformat()
    done = client.post(
        url, {f"continue-{measure.pk}-reasons": typed, f"continue-{measure.pk}-review_on": soon}
    )
    assert done.status_code == 302
    measure.refresh_from_db()
    assert measure.review_on.isoformat() == soon
