"""Interviews and consent from the case page: the forms call the same services as the API, the
page shows what was recorded, and a recording without a recorded consent is refused at its
field with nothing written."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from dueprocess.cases.models import Case, EvidenceItem
from dueprocess.evidence.models import Consent, EvidenceFile, Interview, RecordedPerson
from dueprocess.lib import clock
from tests.api.trail import actions_since, mark
from tests.world import World

AUDIO = b"%PDF-1.7\nTranscript standing in for the audio.\n"


def _local(moment: dt.datetime) -> str:
    """A moment as a browser's date-and-time field sends it (local time, no zone)."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _interview(client: Client, case: Case, **overrides: str) -> object:
    data = {
        "interview-interviewee": "Odile Brennan",
        "interview-held_at": _local(clock.now() - dt.timedelta(days=1)),
        "interview-statement": "I saw the post on the morning it went up.",
        "interview-statement_agreed": "no",
        **overrides,
    }
    return client.post(f"/cases/{case.reference}/interviews/", data)


def _consent(client: Client, case: Case, **overrides: str) -> object:
    data = {
        "consent-person": "Odile Brennan",
        "consent-scope": "Audio recording of her interview.",
        "consent-given_at": _local(clock.now() - dt.timedelta(hours=2)),
        **overrides,
    }
    return client.post(f"/cases/{case.reference}/consents/", data)


def _recording(client: Client, case: Case, consents: list[int]) -> object:
    data: dict[str, object] = {
        "evidence-title": "Interview audio",
        "evidence-kind": "recording",
        "evidence-file": SimpleUploadedFile("audio.pdf", AUDIO),
    }
    if consents:
        data["evidence-consents"] = [str(c) for c in consents]
    return client.post(f"/cases/{case.reference}/evidence/", data)


def test_an_interview_recorded_from_the_page_is_shown_with_its_interviewer(world: World, signed_in):
    case = world.case_at("investigation")
    client = signed_in("case_manager")
    before = mark()
    response = _interview(client, case)
    assert response.status_code == 302  # type: ignore[attr-defined]
    interview = Interview.objects.get(case=case)
    assert interview.interviewer == world.case_manager  # the one who filled the form in
    assert interview.statement_agreed is False
    assert actions_since(before) == ["interview.recorded"]
    html = client.get(f"/cases/{case.reference}/").content.decode()
    assert "I saw the post on the morning it went up." in html
    assert f'id="interview-{interview.pk}"' in html and "Not agreed" in html
    assert world.case_manager.full_name in html


def test_a_future_interview_is_refused_at_its_field_and_the_input_kept(world: World, signed_in):
    case = world.case_at("investigation")
    response = _interview(
        signed_in("case_manager"),
        case,
        **{"interview-held_at": _local(clock.now() + dt.timedelta(days=2))},
    )
    html = response.content.decode()  # type: ignore[attr-defined]
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert "In the future." in html and "I saw the post on the morning it went up." in html
    assert '<details id="interview" open>' in html
    assert not Interview.objects.filter(case=case).exists()


def test_a_consent_names_its_interview_and_is_shown(world: World, signed_in):
    case = world.case_at("investigation")
    client = signed_in("case_manager")
    _interview(client, case)
    interview = Interview.objects.get(case=case)
    response = _consent(client, case, **{"consent-interview": str(interview.pk)})
    assert response.status_code == 302  # type: ignore[attr-defined]
    consent = Consent.objects.get(case=case)
    assert consent.interview == interview and consent.recorded_by == world.case_manager
    html = client.get(f"/cases/{case.reference}/").content.decode()
    assert f'id="consent-{consent.pk}"' in html and "Audio recording of her interview." in html


def test_a_consent_for_an_interview_of_another_case_is_refused(world: World, signed_in):
    case, other = world.case_at("investigation"), world.case_at("investigation")
    client = signed_in("case_manager")
    _interview(client, other)
    elsewhere = Interview.objects.get(case=other)
    response = _consent(client, case, **{"consent-interview": str(elsewhere.pk)})
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert "Select a valid choice" in response.content.decode()  # type: ignore[attr-defined]
    assert not Consent.objects.filter(case=case).exists()


def test_a_recording_without_recorded_consent_is_refused_at_its_field(world: World, signed_in):
    case = world.case_at("investigation")
    client = signed_in("case_manager")
    files = EvidenceFile.objects.count()
    response = _recording(client, case, [])
    html = response.content.decode()  # type: ignore[attr-defined]
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert "Name the consent of each person recorded." in html
    assert 'value="Interview audio"' in html and '<details id="evidence" open>' in html
    assert not EvidenceItem.objects.filter(case=case).exists()
    assert EvidenceFile.objects.count() == files  # nothing stored either


def test_a_recording_naming_each_consent_is_added_with_the_people_heard(world: World, signed_in):
    case = world.case_at("investigation")
    client = signed_in("case_manager")
    _consent(client, case)
    _consent(client, case, **{"consent-person": "Rex Respondent"})
    consents = list(Consent.objects.filter(case=case).order_by("pk").values_list("pk", flat=True))
    html = client.get(f"/cases/{case.reference}/").content.decode()
    assert f'name="evidence-consents" value="{consents[0]}"' in html  # offered to tick
    assert _recording(client, case, consents).status_code == 302  # type: ignore[attr-defined]
    item = EvidenceItem.objects.get(case=case)
    heard = RecordedPerson.objects.filter(item=item).values_list("consent_id", flat=True)
    assert sorted(heard) == consents


def test_a_consent_of_another_case_cannot_be_named(world: World, signed_in):
    case, other = world.case_at("investigation"), world.case_at("investigation")
    client = signed_in("case_manager")
    _consent(client, other)
    elsewhere = Consent.objects.get(case=other)
    response = _recording(client, case, [elsewhere.pk])
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert not EvidenceItem.objects.filter(case=case).exists()


def test_who_may_not_add_evidence_is_offered_no_form_and_refused(world: World, signed_in):
    case = world.case_at("investigation")
    reviewer = signed_in("reviewer")
    html = reviewer.get(f"/cases/{case.reference}/").content.decode()
    assert "Interviews and consent to recording" in html
    assert 'id="interview"' not in html and 'id="consent"' not in html
    assert _interview(reviewer, case).status_code == 403  # type: ignore[attr-defined]
    assert _consent(reviewer, case).status_code == 403  # type: ignore[attr-defined]
    assert not Interview.objects.filter(case=case).exists()
    assert not Consent.objects.filter(case=case).exists()


def test_someone_outside_the_case_gets_not_found_and_nothing_is_written(world: World, signed_in):
    case = world.case_at("investigation")
    outsider = signed_in("investigator_b")
    assert _interview(outsider, case).status_code == 404  # type: ignore[attr-defined]
    assert _consent(outsider, case).status_code == 404  # type: ignore[attr-defined]
    assert not Interview.objects.filter(case=case).exists()
    assert not Consent.objects.filter(case=case).exists()
