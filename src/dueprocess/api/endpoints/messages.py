"""Messages between the case team and the parties: a case's thread (with each party's way in,
to know whom to write to) and a message to a party.

Thin over the services the case page uses: the thread is read after the recorded view of the
case file (``case_detail_for``), and a message is written by ``parties.staff_message_send``,
which asks the gate again inside its transaction. Whether a party has read a message is shown,
as on the case page; a party's own reads are in the ledger under their pseudonym.
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
from dueprocess.api.inputs import MessageIn
from dueprocess.api.outputs import MessageOut, ThreadOut
from dueprocess.cases.queries import case_detail_for
from dueprocess.parties.services import staff_message_send, thread_for_case

router = Router(tags=["messages with the parties"])


@router.get(
    "/cases/{ref}/messages",
    response=ThreadOut,
    **documented(
        "listMessages",
        "List a case's messages with the parties",
        "Every message between the case team and a party, oldest first, in both directions, "
        "with whether the party has read it; and each party's way in (its id is whom a message "
        "goes to). A recorded view of the case file.",
        scope="cases:read",
        errors=[404, 422],
        response=ex.THREAD,
    ),
)
def list_messages(request: HttpRequest, ref: Ref) -> dict[str, Any]:
    case = case_detail_for(actor(request), ref).case
    accesses, messages = thread_for_case(case)
    return {
        "parties": [render.party_access(item) for item in accesses],
        "messages": [render.message(item) for item in messages],
    }


@router.post(
    "/cases/{ref}/messages",
    response={201: MessageOut},
    **documented(
        "sendMessage",
        "Write to a party",
        "A message to one party of the case, by the id of their way in (from `listMessages`). "
        "Whoever may add a note to the case may write; the message is recorded on the ledger "
        "(its hash, not its text) and shown to the party on their own page.",
        scope="cases:write",
        errors=[404, 409, 422],
        status=201,
        request={"party": 3, "body": ex.MESSAGE["body"]},
        response=ex.MESSAGE,
        links={"ListMessagesAgain": link("listMessages", "The thread.", ref="$request.path.ref")},
    ),
)
def send_message(request: HttpRequest, ref: Ref, payload: MessageIn) -> Status[dict[str, Any]]:
    user = actor(request)
    sent = staff_message_send(
        actor=user, case=case_to_change(user, ref), access_id=payload.party, body=payload.body
    )
    return Status(201, render.message(sent))
