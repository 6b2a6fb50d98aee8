"""A case's panels: read them (with each draw's inputs, run again), draw one by the rules,
or appoint one by name with a reason.

Thin over ``cases.services.panels``, as the case page is: reading is a recorded view of the
case file (``case_detail_for``); drawing and appointing ask the gate again inside their
transaction, at a stage where the rulebook constitutes a panel only.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from dueprocess.access.enforcement import case_gate, case_to_change
from dueprocess.api import examples as ex
from dueprocess.api import render
from dueprocess.api.auth import actor
from dueprocess.api.docs import documented, link
from dueprocess.api.endpoints.cases import Ref
from dueprocess.api.inputs import PanelAppointIn
from dueprocess.api.lookups import staff_by_email
from dueprocess.api.outputs import PanelOut, PanelsOut
from dueprocess.cases.queries import case_detail_for
from dueprocess.cases.services import panel_appoint, panel_draw
from dueprocess.cases.services.panels import panel_state

router = Router(tags=["panels"])
AGAIN = {"GetPanelsAgain": link("listPanels", "The case's panels.", ref="$request.path.ref")}


@router.get(
    "/cases/{ref}/panels",
    response=PanelsOut,
    **documented(
        "listPanels",
        "List a case's panels",
        "The rulebook's panel for the case's stage (seats, quorum, how members are chosen) and "
        "the case's panels, oldest first: each one's members by seat, and for a draw its inputs "
        "(the checkpoint, the seed, each seat's pool by stable key) and whether running the "
        "draw again gives the same members (docs/panels.md). A recorded view of the case file.",
        scope="cases:read",
        errors=[404, 422],
        response=ex.PANELS,
    ),
)
def list_panels(request: HttpRequest, ref: Ref) -> dict[str, Any]:
    case = case_detail_for(actor(request), ref).case
    return render.panels(panel_state(case))


@router.post(
    "/cases/{ref}/panels/draw",
    response={201: PanelOut},
    **documented(
        "drawPanel",
        "Draw a case's panel by the rules",
        "At a stage where the rulebook constitutes a panel, the unit's head of complaints draws "
        "it at random from the eligible pool, seeded from the latest signed checkpoint. Too few "
        "eligible members for a seat is a 422; a panel already whole at the stage is a 409.",
        scope="cases:write",
        errors=[404, 409, 422],
        status=201,
        response=ex.PANEL,
        links=AGAIN,
    ),
)
def draw_panel(request: HttpRequest, ref: Ref) -> Status[dict[str, Any]]:
    user = actor(request)
    case = case_to_change(user, ref)
    return Status(201, render.panel(panel_draw(actor=user, case=case)))


@router.post(
    "/cases/{ref}/panels/appoint",
    response={201: PanelOut},
    **documented(
        "appointPanel",
        "Appoint a case's panel by name",
        "Instead of the draw, the unit's head of complaints names the members seat by seat, "
        "with the reason; each must be eligible for their seat. Counted on the oversight "
        "dashboard as an appointment by name.",
        scope="cases:write",
        errors=[404, 409, 422],
        status=201,
        request={
            "reason": "The drawn chair's dates clash with the hearing.",
            "seats": {"chair": [ex.PERSON["email"]], "lay": ["lee@northmoor.example"]},
        },
        response=ex.PANEL
        | {"method": "appointed", "reason": "The drawn chair's dates clash with the hearing."},
        links=AGAIN,
    ),
)
def appoint_panel(
    request: HttpRequest, ref: Ref, payload: PanelAppointIn
) -> Status[dict[str, Any]]:
    user = actor(request)
    case = case_gate(user, ref)  # before the e-mail addresses are looked up
    seats = {
        seat: [staff_by_email(user, email, field=seat) for email in emails]
        for seat, emails in payload.seats.items()
    }
    made = panel_appoint(actor=user, case=case, members=seats, reason=payload.reason)
    return Status(201, render.panel(made))
