"""The three anomaly rules: each fires on its pattern, is raised once, and is kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection

from dueprocess.accounts.models import InterestDeclaration
from dueprocess.cases import services as svc
from dueprocess.cases.models.immutable import ImmutableError
from dueprocess.cases.queries import case_detail_for
from dueprocess.cases.services.advice import advice_request_create
from dueprocess.errors import NotFound
from dueprocess.lib import clock
from dueprocess.oversight.alerts import alerts_refresh
from dueprocess.oversight.models import Alert
from tests.oversight.conftest import (
    HARSHER,
    LIGHTER,
    RECOMMENDED,
    approach,
    at_panel,
    decide,
    ledger_actions,
)

MID_MONTH = dt.datetime(2026, 3, 15, 12, 0, tzinfo=dt.UTC)


def raised(world, rule: str) -> list[Alert]:
    alerts_refresh(world.organisation)
    return list(Alert.objects.filter(organisation=world.organisation, rule=rule))


def test_a_downgrade_soon_after_an_approach_raises_one_alert_however_often_rules_run(world):
    case = at_panel(world)
    approach(world, case, ago=dt.timedelta(days=3))
    decision = decide(world, case, LIGHTER, "Apologised and deleted the posts.")
    alerts = raised(world, "decision_after_contact")
    assert [a.subject for a in alerts] == [f"decision:{decision.pk}"]
    assert alerts[0].case == case
    assert "lighter than recommended" in alerts[0].summary
    assert "3 days after an approach from the political office" in alerts[0].summary
    assert alerts_refresh(world.organisation) == []
    assert Alert.objects.count() == 1 and ledger_actions("alert.raised") == 1


def test_a_harsher_decision_after_an_approach_is_raised_too(world):
    case = at_panel(world)
    approach(world, case, what_was_asked="Asked for the member to be expelled.")
    decide(world, case, HARSHER, "A pattern of posts over two years.")
    (alert,) = raised(world, "decision_after_contact")
    assert "harsher than recommended" in alert.summary


def test_a_departure_soon_after_an_advice_request_raises_an_alert(world):
    case = at_panel(world)
    advice_request_create(
        actor=world.case_manager,
        case=case,
        adviser=world.political,
        question="Is the member standing for selection?",
        extract="A member is the subject of a complaint.",
    )
    decide(world, case, LIGHTER, "Apologised.")
    (alert,) = raised(world, "decision_after_contact")
    assert "an advice request" in alert.summary


def test_a_departure_long_after_the_contact_raises_no_alert(world):
    case = at_panel(world)
    approach(world, case, ago=dt.timedelta(days=15))
    decide(world, case, LIGHTER, "Apologised.")
    assert raised(world, "decision_after_contact") == []


def test_a_decision_that_follows_the_recommendation_raises_no_alert(world):
    case = at_panel(world)
    approach(world, case)
    decide(world, case, RECOMMENDED)
    assert raised(world, "decision_after_contact") == []


def declare_past_office(user, *, ended: dt.date) -> None:
    InterestDeclaration.objects.create(
        user=user,
        kind=InterestDeclaration.Kind.POLITICAL_OFFICE,
        description="Worked in the leader's office (declared late).",
        starts_on=ended - dt.timedelta(days=700),
        ends_on=ended,
        declared_at=clock.now(),
    )


def handled_by_investigator_b(world):
    case = world.case_at("investigation")
    svc.case_assign(
        actor=world.case_manager, case=case, assignee=world.investigator_b, role="investigator"
    )
    svc.note_add(actor=world.investigator_b, case=case, body="Interviewed the complainant.")
    return case


def test_handling_a_case_within_the_conflict_period_recorded_late_raises_an_alert(world):
    case = handled_by_investigator_b(world)
    assert raised(world, "handled_in_conflict_period") == []
    declare_past_office(world.investigator_b, ended=clock.today() - dt.timedelta(days=30))
    (alert,) = raised(world, "handled_in_conflict_period")
    assert alert.case == case and alert.person == world.investigator_b
    assert "was assigned to a case" in alert.summary
    assert "24-month conflict period" in alert.summary


def test_handling_a_case_after_the_conflict_period_raises_no_alert(world):
    handled_by_investigator_b(world)
    declare_past_office(world.investigator_b, ended=clock.add_months(clock.today(), -30))
    assert raised(world, "handled_in_conflict_period") == []


def test_the_moved_persona_is_kept_out_so_there_is_nothing_to_raise(world):
    case = world.case_at("investigation")
    with pytest.raises(NotFound):
        case_detail_for(world.moved, case.reference)
    assert raised(world, "handled_in_conflict_period") == []


def peek(world, persona: str, times: int) -> None:
    case = world.case_at("investigation")
    with clock.frozen(MID_MONTH):
        for _ in range(times):
            with pytest.raises(NotFound):
                case_detail_for(world.people[persona], case.reference)


def test_three_refused_attempts_in_a_month_by_one_person_raise_an_alert(world):
    peek(world, "political", 3)
    (alert,) = raised(world, "repeated_denials")
    assert alert.person == world.political and alert.subject.endswith(":2026-03")
    assert "refused access 3 times in Mar 2026" in alert.summary
    assert alert.case is None


def test_the_refusal_count_shown_stays_current_after_the_alert_is_raised(world):
    from dueprocess.oversight.queries import alerts_for, dashboard_for

    peek(world, "political", 3)
    (alert,) = raised(world, "repeated_denials")
    peek(world, "political", 4)
    (item,) = [i for i in alerts_for(world.oversight) if i.alert.pk == alert.pk]
    assert "refused access 7 times in Mar 2026" in item.summary
    assert Alert.objects.filter(rule="repeated_denials").count() == 1
    assert ledger_actions("alert.raised") == 1
    (shown,) = [i for i in dashboard_for(world.oversight).alerts if i.alert.pk == alert.pk]
    assert shown.summary == item.summary


def test_two_refused_attempts_are_not_yet_a_pattern(world):
    peek(world, "political", 2)
    peek(world, "oversight", 2)
    assert raised(world, "repeated_denials") == []


def test_refusals_of_another_organisations_staff_are_not_counted_here(world, outsider):
    case = world.case_at("investigation")
    for _ in range(3):
        with pytest.raises(NotFound):
            case_detail_for(outsider, case.reference)
    assert raised(world, "repeated_denials") == []


def test_alerts_cannot_be_changed_or_deleted(world):
    peek(world, "political", 3)
    (alert,) = raised(world, "repeated_denials")
    alert.summary = "Nothing happened."
    with pytest.raises(ImmutableError):
        alert.save()
    with pytest.raises(ImmutableError):
        alert.delete()
    with pytest.raises(DatabaseError), connection.cursor() as cursor:
        cursor.execute("DELETE FROM oversight_alert")
