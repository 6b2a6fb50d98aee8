"""A recording of a hearing needs the recorded consent of each person present (the panel, the
respondent if they attended, their representative, anyone else listed): the one consent model
keeps each answer, the latest per person counts, and a refusal or a withdrawal is none."""

from __future__ import annotations

import datetime as dt

import pytest

from dueprocess.cases import services as svc
from dueprocess.cases.models import Case, Hearing, HearingRecord
from dueprocess.errors import Forbidden, IllegalTransition, InvalidInput, NotFound
from dueprocess.evidence.models import Consent
from dueprocess.lib import clock
from tests.parties.helpers import entries_since, last_seq
from tests.world import World

REPRESENTATIVE = "Ann Friend"
OTHER = "Dr Observer"


def scheduled(university: World) -> tuple[Case, Hearing]:
    case = university.case_at("conduct_panel")
    university.prepare_for(case, "panel_outcome")
    case = Case.objects.get(pk=case.pk)
    start = (clock.now() + dt.timedelta(days=12)).replace(microsecond=0)
    hearing = svc.hearing_schedule(
        actor=university.case_manager, case=case, starts_at=start, place="Senate room"
    )
    return case, hearing


def answer(university: World, case: Case, hearing: Hearing, person: str, said: str = "given"):  # type: ignore[no-untyped-def]
    return svc.hearing_consent_record(
        actor=university.case_manager,
        case=Case.objects.get(pk=case.pk),
        hearing_id=hearing.pk,
        person=person,
        answer=said,
        scope="Audio of the hearing",
        given_at=clock.now() - dt.timedelta(minutes=5),
    )


def present(university: World, case: Case) -> list[str]:
    names = [university.people[k].full_name for k in ("panel_chair", "panel_b", "panel_c")]
    return [*names, case.parties.get(role="respondent").name, REPRESENTATIVE, OTHER]


def record(university: World, case: Case, hearing: Hearing) -> HearingRecord:
    return svc.hearing_record(
        actor=university.panel_chair,
        case=Case.objects.get(pk=case.pk),
        hearing_id=hearing.pk,
        respondent_attended=True,
        representation=REPRESENTATIVE,
        account="Heard.",
        outcome="Decided later.",
        recording_made=True,
        others_present=[OTHER],
    )


def test_a_recording_is_refused_naming_who_has_not_consented(university):
    case, hearing = scheduled(university)
    everyone = present(university, case)
    for name in everyone[:-2]:
        answer(university, case, hearing, name)
    with clock.frozen(hearing.starts_at + dt.timedelta(hours=2)):
        with pytest.raises(InvalidInput, match=f"none stands for: {REPRESENTATIVE}, {OTHER}"):
            record(university, case, hearing)
        assert not HearingRecord.objects.filter(hearing=hearing).exists()
        answer(university, case, hearing, REPRESENTATIVE.upper())  # matched ignoring case
        answer(university, case, hearing, f"  {OTHER} ")
        kept = record(university, case, hearing)
    assert kept.recording_made and kept.others_present == [OTHER]


def test_a_refusal_or_a_withdrawal_counts_as_no_consent(university):
    case, hearing = scheduled(university)
    everyone = present(university, case)
    for name in everyone:
        answer(university, case, hearing, name)
    answer(university, case, hearing, everyone[1], "withdrawn")
    answer(university, case, hearing, everyone[3], "refused")
    later = clock.frozen(hearing.starts_at + dt.timedelta(hours=2))
    with later, pytest.raises(InvalidInput) as refused:
        record(university, case, hearing)
    assert f"{everyone[1]}, {everyone[3]}." in refused.value.message
    assert "recording_made" in refused.value.fields


def test_a_hearing_without_a_recording_needs_no_consent(university):
    case, hearing = scheduled(university)
    with clock.frozen(hearing.starts_at + dt.timedelta(hours=2)):
        kept = svc.hearing_record(
            actor=university.panel_chair,
            case=case,
            hearing_id=hearing.pk,
            respondent_attended=False,
            representation="",
            account="The respondent did not come.",
            outcome="Decided on the papers.",
        )
    assert not kept.recording_made


def test_each_answer_is_one_consent_row_and_a_ledger_entry(university):
    case, hearing = scheduled(university)
    start = last_seq()
    kept = answer(university, case, hearing, OTHER, "refused")
    assert (kept.hearing, kept.answer, kept.purpose) == (hearing, "refused", "recording")
    assert Consent.objects.filter(case=case).count() == 1
    [(_, details)] = entries_since(start, "consent.recorded")
    assert details == details | {"consent": kept.pk, "hearing": hearing.pk, "answer": "refused"}
    assert OTHER not in str(details)


def test_bad_answers_and_late_or_unauthorised_ones_are_refused(university):
    case, hearing = scheduled(university)
    with pytest.raises(InvalidInput, match="Unknown answer"):
        answer(university, case, hearing, OTHER, "maybe")
    with pytest.raises(InvalidInput, match="Person is required"):
        answer(university, case, hearing, "  ")
    with pytest.raises((Forbidden, NotFound)):
        svc.hearing_consent_record(
            actor=university.investigator,
            case=case,
            hearing_id=hearing.pk,
            person=OTHER,
            answer="given",
            scope="Audio",
            given_at=clock.now(),
        )
    with clock.frozen(hearing.starts_at + dt.timedelta(hours=2)):
        svc.hearing_record(
            actor=university.panel_chair,
            case=case,
            hearing_id=hearing.pk,
            respondent_attended=False,
            representation="",
            account="Held.",
            outcome="Decided.",
        )
        with pytest.raises(IllegalTransition, match="consents are closed"):
            answer(university, case, hearing, OTHER)
    assert not Consent.objects.filter(case=case).exists()
