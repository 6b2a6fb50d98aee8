"""Fixtures for oversight tests: clients signed in as any persona, and a small story on record.

Case workers must have an authenticator app before any page opens (the MFA middleware), so
signing in enrols one first, as a real person would.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client

from dueprocess.cases import services as svc
from dueprocess.cases.models import Case, Decision, InterimMeasure
from dueprocess.ledger.models import LedgerEntry
from dueprocess.lib import clock
from tests.signing_in import signer_in
from tests.world import World


@pytest.fixture
def client_for(world: World) -> Callable[[str], Client]:
    return signer_in(world)


RECOMMENDED = ["suspension", "education_course"]
LIGHTER = ["formal_warning", "education_course"]
HARSHER = ["expulsion", "education_course"]


def at_panel(world: World, sanctions: list[str] | None = None, **open_args: object) -> Case:
    """A case with a submitted recommendation (suspension by default) and a full panel."""
    case = world.case_at("investigation", **open_args)
    world.prepare_for(case, "submit_recommendation")
    svc.recommendation_submit(
        actor=world.investigator,
        case=case,
        finding="breach",
        sanctions=sanctions or RECOMMENDED,
        reasons="Clear breach; repeated posts.",
    )
    case = Case.objects.get(pk=case.pk)
    world.prepare_for(case, "decide")
    return case


def decide(world: World, case: Case, sanctions: list[str], reasons: str = "") -> Decision:
    return svc.decision_record(
        actor=world.panel_chair,
        case=Case.objects.get(pk=case.pk),
        finding="breach",
        sanctions=sanctions,
        reasons=reasons,
    )


def approach(world: World, case: Case, *, ago: dt.timedelta = dt.timedelta(hours=1), **extra):  # type: ignore[no-untyped-def]
    args = {
        "approached_by": "Pat Doe, Leader's office",
        "from_political_office": True,
        "channel": "phone",
        "occurred_at": clock.now() - ago,
        "what_was_asked": "Asked whether a warning letter would do.",
    } | extra
    return svc.approach_log(actor=world.case_manager, case=case, **args)


def elected_case(world: World) -> Case:
    """A case in investigation against a member of parliament."""
    return world.case_at(
        "investigation",
        respondent=svc.PartyInput(name="Rhea Councilman", elected_office="Member of Parliament"),
    )


def suspend(world: World, case: Case) -> InterimMeasure:
    return svc.interim_measure_impose(
        actor=world.case_manager,
        case=Case.objects.get(pk=case.pk),
        kind="administrative_suspension",
        ground="serious_allegation_prima_facie",
        reasons="Public statements naming the complainant.",
    )


def ledger_actions(action: str) -> int:
    return LedgerEntry.objects.filter(action=action).count()
