"""The interference register of a case: contacts about it from outside the case team.

Logging one takes no position on whether it was proper. Reading the list is a read of the case
file — through ``case_detail_for``, which checks access and records the view — because an
approach that the panel and the reviewer cannot see is the very thing the register ends.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from dueprocess.access.enforcement import case_to_change
from dueprocess.api import examples as ex
from dueprocess.api import render
from dueprocess.api.auth import actor
from dueprocess.api.docs import documented, link
from dueprocess.api.endpoints.cases import Ref
from dueprocess.api.inputs import ApproachIn
from dueprocess.api.outputs import ApproachOut
from dueprocess.cases import services as svc
from dueprocess.cases.queries import case_detail_for

router = Router(tags=["interference register"])


@router.get(
    "/cases/{ref}/approaches",
    response=list[ApproachOut],
    **documented(
        "listApproaches",
        "List the approaches logged on a case",
        "Every contact about the case from outside the case team, in the order they happened, "
        "with who logged it. Everyone who may read the case file sees them. A recorded view "
        "of the case file.",
        scope="cases:read",
        errors=[404, 422],
        response=[ex.APPROACH],
    ),
)
def list_approaches(request: HttpRequest, ref: Ref) -> list[dict[str, Any]]:
    case = case_detail_for(actor(request), ref).case
    return [render.approach(a) for a in case.approaches.select_related("logged_by")]


@router.post(
    "/cases/{ref}/approaches",
    response={201: ApproachOut},
    **documented(
        "logApproach",
        "Log an approach",
        "Someone outside the case team contacted you about this case: say who, how, when and "
        "what they asked. A push for a harsher outcome is logged exactly like a push for a "
        "lighter one. The time must carry its offset, must not be in the future, and may be "
        "up to three years ago.",
        scope="cases:write",
        errors=[404, 422],
        status=201,
        request={
            "approached_by": ex.APPROACH["approached_by"],
            "from_political_office": True,
            "channel": "phone",
            "occurred_at": ex.APPROACH["occurred_at"],
            "what_was_asked": ex.APPROACH["what_was_asked"],
            "direction": "lighter",
        },
        response=ex.APPROACH,
        links={
            "ListApproachesAgain": link(
                "listApproaches", "The register of this case.", ref="$request.path.ref"
            )
        },
    ),
)
def log_approach(request: HttpRequest, ref: Ref, payload: ApproachIn) -> Status[dict[str, Any]]:
    user = actor(request)
    logged = svc.approach_log(
        actor=user,
        case=case_to_change(user, ref),
        approached_by=payload.approached_by,
        from_political_office=payload.from_political_office,
        channel=payload.channel,
        occurred_at=payload.occurred_at,
        what_was_asked=payload.what_was_asked,
        direction=payload.direction,
    )
    return Status(201, render.approach(logged))
