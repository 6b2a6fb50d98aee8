"""The membership register: search, match a person against it, and import into it."""

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field, StringConstraints

from dueprocess.api import examples as ex
from dueprocess.api import render
from dueprocess.api.auth import actor
from dueprocess.api.docs import documented
from dueprocess.api.inputs import MatchIn, MemberCsvIn, MemberRowsIn
from dueprocess.api.limits import IMPORT_BODY_BYTES, allow_body
from dueprocess.api.outputs import CandidateOut, ImportOut, MemberPageOut
from dueprocess.api.types import MAX_ID, NO_NUL
from dueprocess.members.matching import member_match_for, member_search_for
from dueprocess.members.services import members_import, members_import_csv

router = Router(tags=["members"])


class MemberQuery(Schema):
    q: Annotated[str, StringConstraints(max_length=100, pattern=NO_NUL)] = Field(
        "", description="Part of a number, name or e-mail address."
    )
    after: int | None = Field(None, ge=1, le=MAX_ID, description="`next_after` of the last page.")
    limit: int = Field(50, ge=1, le=100)


@router.get(
    "/members",
    response=MemberPageOut,
    **documented(
        "listMembers",
        "Search the membership register",
        "Members of your organisation whose number, name or e-mail address contains `q`. "
        "Reading the register is recorded on the ledger.",
        scope="members:read",
        errors=[422],
        response={"items": [ex.MEMBER], "next_after": None},
    ),
)
def list_members(request: HttpRequest, filters: Query[MemberQuery]) -> dict[str, Any]:
    page = member_search_for(
        actor(request), query=filters.q, after=filters.after, limit=filters.limit
    )
    return {"items": [render.member(m) for m in page.members], "next_after": page.next_after}


@router.post(
    "/members/match",
    response=list[CandidateOut],
    **documented(
        "matchMember",
        "Find the members a person may be",
        "Give what you know — a name, an e-mail address, a member number — and get the members "
        "who may be that person, best first, each with the reasons it matched. An empty list "
        "means nobody in the register fits.",
        scope="members:read",
        request={"name": "Rex Exmaple", "email": "", "number": ""},
        response=[
            {
                "member": ex.MEMBER,
                "score": 0.72,
                "reasons": ["name is similar (90%)"],
            }
        ],
    ),
)
def match_member(request: HttpRequest, payload: MatchIn) -> list[dict[str, Any]]:
    found = member_match_for(
        actor(request),
        name=payload.name,
        email=payload.email,
        number=payload.number,
        limit=payload.limit,
    )
    return [render.candidate(c) for c in found]


@router.post(
    "/members/import",
    response=ImportOut,
    **documented(
        "importMembers",
        "Import members into the register",
        "Send either `members` (a list of rows) or `csv` (an export with a header line). "
        "All or nothing: if any row has a problem, nothing is written and the `errors` of the "
        "problem name each row and field (`rows[3].email`). Rows whose number is already in "
        "the register update that member. At most 5000 rows (and 2 MiB) a time.",
        scope="members:write",
        permission="members.import",
        errors=[403],
        request={"members": [ex.MEMBER]},
        response={"created": 1, "updated": 0, "unchanged": 0, "rows": 1},
    ),
)
@allow_body(IMPORT_BODY_BYTES)
def import_members(request: HttpRequest, payload: MemberRowsIn | MemberCsvIn) -> dict[str, Any]:
    if isinstance(payload, MemberCsvIn):
        result = members_import_csv(actor=actor(request), text=payload.csv)
    else:
        rows = [row.model_dump() for row in payload.members]
        result = members_import(actor=actor(request), rows=rows)
    return {
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "rows": result.rows,
    }
