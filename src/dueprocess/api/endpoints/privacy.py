"""The subject access export: everything held about one person, as the ZIP the command line
writes (``privacy.subject_access``), for the organisation's administrator only."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from ninja import Router
from pydantic import StringConstraints

from dueprocess.api.auth import actor
from dueprocess.api.docs import documented
from dueprocess.api.inputs import Strict
from dueprocess.api.types import NOT_BLANK, OptionalEmail
from dueprocess.lib.downloads import file_attachment
from dueprocess.privacy.subject_access import MAX_REASON, subject_access_export

router = Router(tags=["privacy"])

MemberNumber = Annotated[str, StringConstraints(max_length=40, pattern=r"^[^\x00]*$")]
Reason = Annotated[str, StringConstraints(max_length=MAX_REASON, pattern=NOT_BLANK)]


class SubjectAccessIn(Strict):
    email: OptionalEmail = ""
    member: MemberNumber = ""
    staff: OptionalEmail = ""
    reason: Reason


@router.post(
    "/subject-access",
    response={200: None},
    **documented(
        "exportSubjectAccess",
        "Export what is held about one person",
        "A subject access export of the person named by exactly one of `email`, `member` (a "
        "member number) or `staff` (a staff account's e-mail address): a ZIP of `data.json`, "
        "`withheld.json`, `views.json` (every recorded view of their data), `proof/<ref>.json` "
        "(a proof bundle per case, for `dueprocess check-proof`) and `summary.html` "
        "(`docs/privacy.md`). The request and the production are recorded. Only the "
        "organisation's administrator may ask (403, recorded, otherwise); 404 when no one is "
        "on record under the name given; 503 if the witnesses do not cosign in time.",
        scope="privacy:export",
        permission="privacy.subject_access",
        errors=[404, 503],
        request={"email": "rhea@example.org", "reason": "Request received by letter on 1 May."},
    ),
)
def export_subject_access(request: HttpRequest, payload: SubjectAccessIn) -> HttpResponse:
    export = subject_access_export(
        actor=actor(request),
        email=payload.email,
        member=payload.member,
        staff=payload.staff,
        reason=payload.reason,
    )
    return file_attachment(export.archive, "application/zip", export.filename)


SUCCESS_CONTENT: dict[str, dict[int, Any]] = {
    "exportSubjectAccess": {
        200: {
            "description": "The export (a ZIP file).",
            "content": {
                "application/zip": {
                    "schema": {"type": "string", "format": "binary"},
                    "example": "PK…",
                }
            },
        }
    },
}
