"""Every (stage × transition × persona) through the services: each allowed step succeeds, every
other one is refused with the right error — and nothing is half-written either way."""

from __future__ import annotations

import pytest
from django.db import transaction

from dueprocess.cases.models import Case, StatusChange
from dueprocess.cases.services.common import taken_steps
from dueprocess.errors import Forbidden, IllegalTransition, NotFound
from dueprocess.rulebook.schema import Rulebook
from tests.world import World, perform

#: persona -> role it acts under, and whether it stands in its working relation to the case
PERSONAS = (
    "intake",
    "case_manager",
    "investigator",
    "panel_chair",
    "other_manager",
    "investigator_b",
    "panel_spare",
    "oversight",
    "reviewer",
    "political",
    "admin",
    "moved",
    "outsider",
)
#: Who took part in the first decision (decided and sat on the panel; recommended).
FIRST_INSTANCE = ("panel_chair", "investigator")
ROLE = {
    "intake": "intake_officer",
    "case_manager": "case_manager",
    "investigator": "investigator",
    "panel_chair": "panel_member",
}


def may_view(persona: str, rules: Rulebook, stage: str) -> bool:
    """The written expectation: who may know this case exists, at this stage."""
    if persona == "intake":
        return rules.stages[stage].phase == "intake"
    if persona in ("investigator", "panel_chair"):
        return rules.stages[stage].phase != "intake"  # assigned once past intake
    return persona in ("case_manager", "reviewer")


def expected(persona: str, rules: Rulebook, case: Case, key: str) -> type[Exception] | None:
    step = rules.transitions[key]
    if not may_view(persona, rules, case.stage):
        return NotFound
    if step.kind == "decide" and persona in FIRST_INSTANCE and case.decisions.exists():
        return Forbidden  # no one judges their own decision
    if ROLE.get(persona) not in step.roles:
        return Forbidden
    if case.stage not in step.sources or (step.once and key in taken_steps(case)):
        return IllegalTransition
    return None


def staffed_case(world: World, stage: str) -> Case:
    case = world.case_at(stage)
    if world.rules.stages[stage].phase != "intake":
        for key in world.rules.transitions:
            if world.rules.transitions[key].kind in ("recommend", "decide"):
                world.prepare_for(case, key)
    return Case.objects.get(pk=case.pk)


@pytest.mark.parametrize(
    "stage",
    [
        "received",
        "triage",
        "investigation",
        "panel",
        "hearing",
        "decided",
        "notified",
        "appeal",
        "closed",
    ],
)
def test_every_transition_by_every_persona_from_this_stage(world, outsider, stage):
    world.people["outsider"] = outsider
    case = staffed_case(world, stage)
    rules = world.rules
    mismatches, successes = [], 0
    for key in rules.transitions:
        for persona in PERSONAS:
            want = expected(persona, rules, case, key)
            before = StatusChange.objects.filter(case=case).count()
            got: type[Exception] | None = None
            with transaction.atomic():
                try:
                    perform(world.people[persona], Case.objects.get(pk=case.pk), key)
                except (NotFound, Forbidden, IllegalTransition) as error:
                    got = type(error)
                moved = StatusChange.objects.filter(case=case).count() - before
                transaction.set_rollback(True)
            if got is None:
                successes += 1
            if got is not want or moved != (1 if want is None else 0):
                mismatches.append(f"{persona} {key}: expected {want}, got {got} ({moved} changes)")
    assert mismatches == []
    assert successes == sum(
        1 for key in rules.transitions for p in PERSONAS if expected(p, rules, case, key) is None
    )
    assert successes > 0 or rules.stages[stage].terminal is False
