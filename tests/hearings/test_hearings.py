"""Hearings are scheduled with notice, adjourned with reasons and recorded once held."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from dueprocess.cases import services as svc
from dueprocess.cases.models import Adjournment, Case, Hearing, HearingRecord
from dueprocess.cases.models.immutable import ImmutableError
from dueprocess.errors import Forbidden, IllegalTransition, InvalidInput, NotFound
from dueprocess.letters.models import Letter
from dueprocess.lib import clock
from dueprocess.rulebook.errors import RulebookError
from dueprocess.rulebook.loader import load_rulebook
from dueprocess.rulebooks import bundled
from tests.parties.helpers import entries_since, last_seq
from tests.world import World

SHORT = "needs the respondent's recorded agreement to short notice"
AGREED = "The respondent, by e-mail to the case manager on the day of scheduling."


def _at_hearing(world: World) -> Case:
    case = world.case_at("hearing")
    assert case.stage == "hearing"
    return case


def _days(n: int, hour: int = 10) -> dt.datetime:
    day = clock.now() + dt.timedelta(days=n)
    return day.replace(hour=hour, minute=30, second=0, microsecond=0)


def _schedule(world: World, case: Case, days: int = 21, **extra: object) -> Hearing:
    return svc.hearing_schedule(
        actor=world.case_manager,
        case=case,
        starts_at=_days(days),
        place="Room 4, 12 Market Street, Westfold",
        **extra,  # type: ignore[arg-type]
    )


def test_scheduling_records_the_date_place_panel_and_sends_the_notice(world):
    case = _at_hearing(world)
    start = last_seq()
    hearing = _schedule(world, case)
    assert hearing.starts_at_now == _days(21)
    assert hearing.place_now == "Room 4, 12 Market Street, Westfold"
    panel = {p.user for p in hearing.panelists.all()}
    assert panel == {world.panel_chair, world.panel_b, world.panel_c}
    [(_, details)] = entries_since(start, "hearing.scheduled")
    assert details["hearing"] == hearing.pk and details["notice_days"] == 21
    assert details["short_notice_agreed"] is False and len(details["panel"]) == 3
    letters = Letter.objects.filter(case=case, trigger="hearing_scheduled")
    assert {letter.recipient_role for letter in letters} == {"complainant", "respondent"}
    to_respondent = letters.get(recipient_role="respondent")
    assert to_respondent.template == "hearing_notice"
    assert f"{timezone.localtime(_days(21)):%B %Y}" in to_respondent.subject
    assert "Room 4, 12 Market Street, Westfold" in to_respondent.text
    assert "Panel Chair" in to_respondent.text and "Panel C" in to_respondent.text
    assert "{{" not in to_respondent.text


def test_the_letter_gives_the_date_and_time_in_the_organisations_time(world):
    case = _at_hearing(world)
    hearing = _schedule(world, case)
    text = Letter.objects.get(
        case=case, trigger="hearing_scheduled", recipient_role="respondent"
    ).text
    local = timezone.localtime(hearing.starts_at)
    assert f"{local.day} {local:%B %Y} at {local:%H:%M}" in text


def test_a_hearing_with_short_notice_is_refused_then_allowed_with_the_agreement(world):
    case = _at_hearing(world)
    with pytest.raises(InvalidInput) as refused:
        _schedule(world, case, days=5)
    assert "needs the respondent's recorded agreement to short notice" in str(refused.value)
    assert set(refused.value.fields) == {"starts_at", "short_notice_agreement"}
    assert not Hearing.objects.filter(case=case).exists()
    assert not Letter.objects.filter(case=case, trigger="hearing_scheduled").exists()
    hearing = _schedule(world, case, days=5, short_notice_agreement=AGREED)
    assert hearing.short_notice_agreement == AGREED


def test_the_notice_period_is_the_rulebooks(world):
    case = _at_hearing(world)
    assert case.rulebook.rules.hearings.notice_days == 14
    hearing = _schedule(world, case, days=14, short_notice_agreement="Not needed.")
    assert hearing.short_notice_agreement == ""  # enough notice: nothing to agree


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"starts_at": None}, "starts_at"),
        ({"place": "  "}, "place"),
        ({"panel": []}, "panel"),
    ],
)
def test_bad_input_names_its_field(world, changes, field):
    case = _at_hearing(world)
    arguments = {"starts_at": _days(21), "place": "Room 4"} | changes
    with pytest.raises(InvalidInput) as refused:
        svc.hearing_schedule(actor=world.case_manager, case=case, **arguments)  # type: ignore[arg-type]
    assert field in refused.value.fields


def test_a_hearing_in_the_past_is_refused(world):
    case = _at_hearing(world)
    with pytest.raises(InvalidInput) as refused:
        _schedule(world, case, days=-1, short_notice_agreement=AGREED)
    assert refused.value.fields["starts_at"] == "Must be in the future."


def test_a_second_hearing_while_one_is_open_is_refused(world):
    case = _at_hearing(world)
    _schedule(world, case)
    with pytest.raises(IllegalTransition, match="adjourn it"):
        _schedule(world, case, days=30)


def test_a_hearing_is_scheduled_only_at_the_hearing_stage(world):
    case = world.case_at("panel")
    world.prepare_for(case, "decide")
    with pytest.raises(IllegalTransition, match="only while the case is at 'Hearing'"):
        _schedule(world, case)
    assert not Hearing.objects.filter(case=case).exists()


def test_the_wrong_person_is_refused_and_the_refusal_recorded(world):
    case = _at_hearing(world)
    start = last_seq()
    with pytest.raises(Forbidden):
        svc.hearing_schedule(
            actor=world.panel_chair, case=case, starts_at=_days(21), place="Room 4"
        )
    [(_, details)] = entries_since(start, "access.denied")
    assert details["attempted"] == "hearing.schedule"
    with pytest.raises(NotFound):
        svc.hearing_schedule(actor=world.political, case=case, starts_at=_days(21), place="X")
    assert len(entries_since(start, "access.denied")) == 2
    assert not Hearing.objects.filter(case=case).exists()


def test_an_adjournment_needs_a_reason_and_respects_the_notice_period(world):
    case = _at_hearing(world)
    hearing = _schedule(world, case)
    with pytest.raises(InvalidInput) as no_reason:
        svc.hearing_adjourn(
            actor=world.case_manager,
            case=case,
            hearing_id=hearing.pk,
            reason=" ",
            starts_at=_days(40),
        )
    assert "reason" in no_reason.value.fields
    with pytest.raises(InvalidInput) as too_soon:
        svc.hearing_adjourn(
            actor=world.case_manager,
            case=case,
            hearing_id=hearing.pk,
            reason="The respondent is in hospital.",
            starts_at=_days(3),
        )
    assert SHORT in str(too_soon.value)
    with pytest.raises(InvalidInput) as past:
        svc.hearing_adjourn(
            actor=world.case_manager,
            case=case,
            hearing_id=hearing.pk,
            reason="The respondent is in hospital.",
            starts_at=_days(-2),
        )
    assert past.value.fields["starts_at"] == "Must be in the future."
    assert not Adjournment.objects.exists()
    start = last_seq()
    adjourned = svc.hearing_adjourn(
        actor=world.case_manager,
        case=case,
        hearing_id=hearing.pk,
        reason="The respondent is in hospital.",
        starts_at=_days(40),
        place="Online: https://meet.westfold.example/h-42",
    )
    [(_, details)] = entries_since(start, "hearing.adjourned")
    assert details["reason"] == "The respondent is in hospital." and details["place_changed"]
    hearing = Hearing.objects.get(pk=hearing.pk)
    assert hearing.starts_at == _days(21)  # the first date stays on record
    assert hearing.starts_at_now == _days(40) == adjourned.starts_at
    assert hearing.place_now == "Online: https://meet.westfold.example/h-42"
    notice = Letter.objects.get(case=case, trigger="hearing_adjourned", recipient_role="respondent")
    assert notice.template == "hearing_adjourned"
    assert "The respondent is in hospital." in notice.text
    assert "meet.westfold.example/h-42" in notice.text


def test_only_the_case_manager_adjourns(world):
    case = _at_hearing(world)
    hearing = _schedule(world, case)
    with pytest.raises(Forbidden):
        svc.hearing_adjourn(
            actor=world.panel_b,
            case=case,
            hearing_id=hearing.pk,
            reason="Busy.",
            starts_at=_days(40),
        )
    assert not Adjournment.objects.exists()


def test_a_record_before_the_date_is_refused_then_kept_once(world):
    case = _at_hearing(world)
    hearing = _schedule(world, case)
    record = {
        "hearing_id": hearing.pk,
        "respondent_attended": True,
        "representation": "a friend",
        "account": "The respondent answered each allegation; the complainant gave evidence.",
        "outcome": "The panel will decide within seven days.",
    }
    with pytest.raises(IllegalTransition, match="once its date has arrived"):
        svc.hearing_record(actor=world.panel_chair, case=case, **record)  # type: ignore[arg-type]
    when, later = _days(21), _days(60)
    with clock.frozen(when + dt.timedelta(hours=5)):
        start = last_seq()
        kept = svc.hearing_record(actor=world.panel_chair, case=case, **record)  # type: ignore[arg-type]
        [(_, details)] = entries_since(start, "hearing.held")
        assert details["respondent_attended"] is True and details["represented"] is True
        assert kept.held_at == when and kept.representation == "a friend"
        with pytest.raises(IllegalTransition, match="already been recorded"):
            svc.hearing_record(actor=world.case_manager, case=case, **record)  # type: ignore[arg-type]
        with pytest.raises(IllegalTransition, match="held and recorded"):
            svc.hearing_adjourn(
                actor=world.case_manager,
                case=case,
                hearing_id=hearing.pk,
                reason="Too late.",
                starts_at=later,
            )
    assert HearingRecord.objects.filter(hearing=hearing).count() == 1


def test_a_record_needs_what_happened_and_respects_the_rulebook_on_recordings(world):
    case = _at_hearing(world)
    hearing = _schedule(world, case)
    with clock.frozen(_days(22)):
        with pytest.raises(InvalidInput) as blank:
            svc.hearing_record(
                actor=world.case_manager,
                case=case,
                hearing_id=hearing.pk,
                respondent_attended=False,
                representation="",
                account="",
                outcome="Decided on the papers.",
            )
        assert "account" in blank.value.fields
        with pytest.raises(InvalidInput) as recorded:
            svc.hearing_record(
                actor=world.case_manager,
                case=case,
                hearing_id=hearing.pk,
                respondent_attended=False,
                representation="",
                account="The respondent did not attend.",
                outcome="Decided on the papers.",
                recording_made=True,
            )
        assert "recording_made" in recorded.value.fields
        assert not HearingRecord.objects.exists()


def test_an_investigator_may_not_record_a_hearing(world):
    case = _at_hearing(world)
    hearing = _schedule(world, case)
    start = last_seq()
    with clock.frozen(_days(22)), pytest.raises((Forbidden, NotFound)):
        svc.hearing_record(
            actor=world.investigator,
            case=case,
            hearing_id=hearing.pk,
            respondent_attended=True,
            representation="",
            account="Held.",
            outcome="Decided.",
        )
    [(_, details)] = entries_since(start, "access.denied")
    assert details["attempted"] == "hearing.record"


def test_hearing_rows_are_never_changed(world):
    case = _at_hearing(world)
    hearing = _schedule(world, case)
    hearing.place = "Elsewhere"
    with pytest.raises(ImmutableError):
        hearing.save()


def test_the_rulebook_table_is_checked_on_load(tmp_path):
    source = bundled("party").read_text()
    source = source.replace(
        "notice_days = 14\nrecordings_allowed = false",
        'notice_days = -3\nrecordings_allowed = "yes"',
    )
    source = source.replace('[hearings]\nstage = "hearing"', '[hearings]\nstage = "courtroom"')
    path = tmp_path / "party.toml"
    path.write_text(source)
    with pytest.raises(RulebookError) as caught:
        load_rulebook(path)
    keys = {issue.key for issue in caught.value.issues}
    assert {"hearings.stage", "hearings.notice_days", "hearings.recordings_allowed"} <= keys
    assert "unknown stage 'courtroom'" in str(caught.value)


def test_a_rulebook_without_the_table_gets_the_defaults(tmp_path):
    source = bundled("party").read_text()
    start = source.index("[hearings]")
    end = source.index("recordings_allowed = false") + len("recordings_allowed = false")
    path = tmp_path / "party.toml"
    path.write_text(source[:start] + source[end:])
    rules = load_rulebook(path).hearings
    assert (rules.stage, rules.notice_days, rules.recordings_allowed) == ("hearing", 14, False)
    assert load_rulebook(bundled("university")).hearings.stage == "conduct_panel"
