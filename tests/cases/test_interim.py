"""Interim measures need a ground from the rulebook, written reasons and a review date."""

from __future__ import annotations

import datetime as dt

import pytest

from dueprocess.cases import services as svc
from dueprocess.errors import Forbidden, IllegalTransition, InvalidInput
from dueprocess.lib import clock


def impose(world, case, **overrides):
    args = {
        "kind": "administrative_suspension",
        "ground": "risk_of_harm",
        "reasons": "Threats made to the complainant.",
    } | overrides
    return svc.interim_measure_impose(actor=world.case_manager, case=case, **args)


def test_an_interim_measure_gets_the_rulebooks_review_date(world):
    measure = impose(world, world.case_at("investigation"))
    assert measure.review_on == clock.today() + dt.timedelta(days=28)
    assert measure.is_active


def test_press_interest_is_not_a_ground(world):
    with pytest.raises(InvalidInput) as caught:
        impose(world, world.case_at("investigation"), ground="press_interest")
    assert "ground" in caught.value.fields


def test_reasons_are_required(world):
    with pytest.raises(InvalidInput):
        impose(world, world.case_at("investigation"), reasons=" ")


def test_the_same_measure_cannot_be_imposed_twice(world):
    case = world.case_at("investigation")
    impose(world, case)
    with pytest.raises(InvalidInput, match="already in force"):
        impose(world, case)


def test_a_closed_case_takes_no_new_measures(world):
    with pytest.raises(IllegalTransition):
        impose(world, world.case_at("closed"))


def test_lifting_records_who_when_and_why(world):
    measure = impose(world, world.case_at("investigation"))
    lifted = svc.interim_measure_lift(
        actor=world.case_manager, measure=measure, reason="Investigation done."
    )
    assert lifted.lifted_by == world.case_manager and lifted.lift_reason == "Investigation done."
    with pytest.raises(InvalidInput, match="already been lifted"):
        svc.interim_measure_lift(actor=world.case_manager, measure=lifted, reason="Again.")


def test_an_investigator_cannot_impose_measures(world):
    case = world.case_at("investigation")
    world.prepare_for(case, "submit_recommendation")
    with pytest.raises(Forbidden):
        svc.interim_measure_impose(
            actor=world.investigator,
            case=case,
            kind="administrative_suspension",
            ground="risk_of_harm",
            reasons="x",
        )
