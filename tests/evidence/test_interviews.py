"""Interviews and consent: an interview is recorded by its interviewer with the statement and
whether it was agreed; a recording is refused unless each person heard on it has consented."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dueprocess.cases.models import EvidenceItem
from dueprocess.errors import InvalidInput, NotFound
from dueprocess.evidence.files import evidence_add
from dueprocess.evidence.interviews import consent_record, interview_record
from dueprocess.evidence.models import Consent, EvidenceFile, Interview, RecordedPerson
from dueprocess.evidence.storage import DirectoryStore
from dueprocess.lib import clock
from tests.api.trail import actions_since, mark
from tests.world import World

AUDIO = b"%PDF-1.7\nTranscript standing in for the audio.\n"


@pytest.fixture
def store(tmp_path: Path) -> DirectoryStore:
    return DirectoryStore(tmp_path / "evidence")


def _consent(world: World, case, person: str = "Odile Brennan", **kw) -> Consent:  # type: ignore[no-untyped-def]
    return consent_record(
        actor=world.case_manager,
        case=case,
        person=person,
        scope="Audio recording of her interview.",
        given_at=kw.pop("given_at", clock.now() - dt.timedelta(hours=1)),
        **kw,
    )


def _recording(world: World, case, store, consents: list[int]) -> EvidenceItem:  # type: ignore[no-untyped-def]
    return evidence_add(
        actor=world.case_manager,
        case=case,
        title="Interview audio",
        kind="recording",
        content=AUDIO,
        consents=consents,
        store=store,
    )


def test_an_interview_is_recorded_by_its_interviewer_agreed_or_not(world: World):
    case = world.case_at("investigation")
    before = mark()
    held = clock.now() - dt.timedelta(days=1)
    agreed = interview_record(
        actor=world.case_manager,
        case=case,
        interviewee="Odile Brennan",
        held_at=held,
        statement="I saw the post on the morning it went up.",
        statement_agreed=True,
    )
    disputed = interview_record(
        actor=world.case_manager,
        case=case,
        interviewee="Marcus Thorne",
        held_at=held,
        statement="He says he shared it by mistake.",
        statement_agreed=False,
    )
    assert actions_since(before) == ["interview.recorded", "interview.recorded"]
    assert agreed.interviewer == world.case_manager and agreed.held_at == held
    assert [i.statement_agreed for i in Interview.objects.filter(case=case).order_by("pk")] == [
        True,
        False,
    ]
    assert disputed.statement == "He says he shared it by mistake."


def test_an_interview_needs_a_statement_and_a_past_time_and_leaves_nothing(world: World):
    case = world.case_at("investigation")
    for held_at, statement, field in [
        (clock.now() - dt.timedelta(hours=1), "   ", "statement"),
        (clock.now() + dt.timedelta(days=1), "Said things.", "held_at"),
    ]:
        with pytest.raises(InvalidInput) as refused:
            interview_record(
                actor=world.case_manager,
                case=case,
                interviewee="Odile Brennan",
                held_at=held_at,
                statement=statement,
                statement_agreed=True,
            )
        assert field in refused.value.fields
    assert not Interview.objects.exists()


def test_a_recording_without_consent_is_refused_and_nothing_is_stored(world: World, store):
    case = world.case_at("investigation")
    other = world.case_at("investigation")
    before = mark()
    with pytest.raises(InvalidInput) as refused:
        _recording(world, case, store, [])
    assert "consents" in refused.value.fields
    elsewhere = _consent(world, other)
    with pytest.raises(InvalidInput):
        _recording(world, case, store, [elsewhere.pk])  # a consent given on another case
    assert not EvidenceItem.objects.filter(case=case).exists()
    assert not EvidenceFile.objects.exists() and list(store.names()) == []
    assert actions_since(before) == ["consent.recorded"]


def test_a_recording_with_each_persons_consent_is_kept_with_them(world: World, store):
    case = world.case_at("investigation")
    interview = interview_record(
        actor=world.case_manager,
        case=case,
        interviewee="Odile Brennan",
        held_at=clock.now() - dt.timedelta(hours=2),
        statement="I saw the post.",
        statement_agreed=True,
    )
    hers = _consent(world, case, interview_id=interview.pk)
    his = _consent(world, case, person="Sam Investigator")
    before = mark()
    item = _recording(world, case, store, [hers.pk, his.pk])
    assert actions_since(before) == ["evidence.added"]
    people = RecordedPerson.objects.filter(item=item).order_by("consent_id")
    assert [p.consent.person for p in people] == ["Odile Brennan", "Sam Investigator"]
    assert hers.interview == interview


def test_only_a_recording_names_consents_and_a_consent_is_not_in_the_future(world: World, store):
    case = world.case_at("investigation")
    consent = _consent(world, case)
    with pytest.raises(InvalidInput) as refused:
        evidence_add(
            actor=world.case_manager,
            case=case,
            title="Letter",
            kind="document",
            content=AUDIO,
            consents=[consent.pk],
            store=store,
        )
    assert "consents" in refused.value.fields
    with pytest.raises(InvalidInput) as future:
        _consent(world, case, given_at=clock.now() + dt.timedelta(days=2))
    assert "given_at" in future.value.fields
    with pytest.raises(InvalidInput):
        _consent(world, case, interview_id=987654)
    assert Consent.objects.count() == 1


def test_interviews_and_consents_are_refused_to_those_who_may_not_add_evidence(world: World):
    case = world.case_at("received", unit=world.other_unit, by="other_manager")
    with pytest.raises(NotFound):
        _consent(world, case)
    assert not Consent.objects.exists()
