"""The written expectation for the API's persona matrix: who may know a case exists, and who
may take which action on it — the same personas as the web and workflow tests."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpResponse

from dueprocess.cases.models import Case
from tests.api.client import ApiClient, problem_code
from tests.world import World

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
#: Who, among the personas, may take each action on a case they may see.
MAY = {
    "case.view": {"intake", "case_manager", "investigator", "panel_chair", "reviewer"},
    "case.note": {"intake", "case_manager", "investigator", "panel_chair"},
    "case.assign": {"case_manager"},
    "case.interim": {"intake", "case_manager"},
    "case.prove": {"case_manager", "reviewer"},
    "case.evidence": {"intake", "case_manager", "investigator", "panel_chair"},
    "case.approach": {"intake", "case_manager", "investigator", "panel_chair"},
    "case.advice": {"case_manager", "investigator"},
    # of any case of the organisation, seen or not — unless conflicted with it ("moved")
    "case.emergency": {
        "intake",
        "case_manager",
        "other_manager",
        "investigator",
        "investigator_b",
        "panel_chair",
        "panel_spare",
    },
    "emergency.approve": {"case_manager", "other_manager"},
}
#: The one persona asked for advice, and the one holding the role a sign-off asks for.
OUTSIDE_THE_TEAM = "political"
#: The problem type for each refusal status the matrix expects.
REFUSAL = {403: "forbidden", 404: "not-found", 409: "illegal-transition"}


def may_view(persona: str, world: World, stage: str) -> bool:
    """Intake officers see the intake phase; the assigned investigator and panel see the rest
    (``staffed_case`` assigns them); the unit's case manager and the reviewer see everything."""
    phase = world.rules.stages[stage].phase
    if persona == "intake":
        return phase == "intake"
    if persona in ("investigator", "panel_chair"):
        return phase != "intake"
    return persona in ("case_manager", "reviewer")


def expected_status(
    persona: str,
    world: World,
    stage: str,
    may: set[str],
    success: int,
    otherwise: dict[str, int] | None = None,
) -> int:
    """``otherwise``: personas who may see the case and whom the service itself turns away
    with something other than 403 (a step only the investigator takes: 409)."""
    if not may_view(persona, world, stage):
        return 404
    if persona in may:
        return success
    return (otherwise or {}).get(persona, 403)


def narrow_status(persona: str, world: World, stage: str, success: int) -> int:
    """For a formal channel (an advice request, a sign-off): only the person it was put to;
    403 for those who may see the case (it exists, but is not theirs), 404 for everyone else."""
    if persona == OUTSIDE_THE_TEAM:
        return success
    return 403 if may_view(persona, world, stage) else 404


def staffed_case(world: World, stage: str) -> Case:
    """A case at ``stage``, with an investigator and a full panel once past intake."""
    case = world.case_at(stage)
    if world.rules.stages[stage].phase != "intake":
        for key, step in world.rules.transitions.items():
            if step.kind in ("recommend", "decide"):
                world.prepare_for(case, key)
    return Case.objects.get(pk=case.pk)


Request = Callable[[ApiClient, Case, str], HttpResponse]


def walk(
    api: ApiClient,
    world: World,
    *,
    stage: str,
    request: Request,
    may: set[str],
    success: int = 200,
    prepare: Callable[[Case], object] | None = None,
    otherwise: dict[str, int] | None = None,
) -> None:
    """Every persona against ``request`` on a case at ``stage``: refusals on one case (which
    they must leave untouched), then each permitted persona on a fresh case of its own."""

    def fresh() -> Case:
        case = staffed_case(world, stage)
        if prepare is not None:
            prepare(case)
        return Case.objects.get(pk=case.pk)

    case = fresh()
    version = case.version
    for persona in PERSONAS:
        want = expected_status(persona, world, stage, may, success, otherwise)
        if want == success:
            continue
        response = request(api, case, persona)
        assert response.status_code == want, (persona, response.content)
        assert problem_code(response) == REFUSAL[want]
    assert Case.objects.get(pk=case.pk).version == version
    for persona in sorted(p for p in may if may_view(p, world, stage)):
        response = request(api, fresh(), persona)
        assert response.status_code == success, (persona, response.content)
