"""What was sent to each party of a case and when, and what each party has seen: the read
model the staff case page shows (``parties.seen.seen_for_case``), after the recorded view of
the case file (``case_detail_for``), so a case the caller may not see is the same 404 as a
missing one, and recorded."""

from typing import Any

from django.http import HttpRequest
from ninja import Router

from dueprocess.api import examples as ex
from dueprocess.api import render
from dueprocess.api.auth import actor
from dueprocess.api.docs import documented
from dueprocess.api.endpoints.cases import Ref
from dueprocess.api.outputs import PartiesSeenOut
from dueprocess.cases.queries import case_detail_for
from dueprocess.parties.seen import seen_for_case

router = Router(tags=["messages with the parties"])


@router.get(
    "/cases/{ref}/parties",
    response=PartiesSeenOut,
    **documented(
        "listCaseParties",
        "What each party was sent and has seen",
        "Each party's way in (its id is the one `listMessages` gives), with the letters sent "
        "to that party (delivery status, and when and how often the party downloaded each "
        "from their own page) and the messages to them (read or not, and when); and what the "
        "party has seen: their case page, the allegations (the respondent), the outcome and "
        "their letters, each with a count and the first and last time. Read from the party's "
        "own acts on the ledger. A recorded view of the case file.",
        scope="cases:read",
        errors=[404, 422],
        response=ex.PARTIES_SEEN,
    ),
)
def list_case_parties(request: HttpRequest, ref: Ref) -> dict[str, Any]:
    case = case_detail_for(actor(request), ref).case
    return {"parties": [render.party_seen(item) for item in seen_for_case(case)]}
