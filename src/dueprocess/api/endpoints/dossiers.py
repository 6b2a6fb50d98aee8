"""Dossiers: a file of complaints imported at once, one case per row."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status
from ninja.params import P, PathEx

from dueprocess.api import render
from dueprocess.api.auth import actor
from dueprocess.api.docs import documented
from dueprocess.api.inputs import DossierCsvIn, DossierRowsIn
from dueprocess.api.limits import IMPORT_BODY_BYTES, allow_body
from dueprocess.api.outputs import DossierOut
from dueprocess.api.types import MAX_ID
from dueprocess.cases.services import dossiers

router = Router(tags=["dossiers"])

DossierId = PathEx[int, P(ge=1, le=MAX_ID, example=1)]

_ROW = {
    "respondent_name": "Rex Exmaple",
    "respondent_postcode": "ZZ1 1AA",
    "category": "other_conduct",
    "summary": "Posted abuse about a volunteer in the branch group chat.",
    "occurred_on": "2026-03-02",
}
_RESULT: dict[str, Any] = {
    "id": 1,
    "sha256": "5f2b…",
    "rows": 1,
    "created": 1,
    "new": 0,
    "already": 0,
    "errors": 0,
    "respondents": 1,
    "non_members": 1,
    "summary": "1 of 1 respondents are not members",
    "duplicates": 0,
    "duplicates_summary": "No row repeats an earlier complaint.",
    "items": [
        {
            "row": 1,
            "status": "created",
            "reference": "C-2026-00042",
            "errors": {},
            "member": "",
            "score": None,
            "reason": "no candidate above 0.75",
            "is_member": False,
            "repeats": "",
            "repeat_reason": "",
        }
    ],
}


_IMPORT = documented(
    "importDossier",
    "Import a dossier of complaints",
    "Send either `rows` (one object per complaint) or `csv` (the file, with a header line); "
    "see the columns in docs/dossiers.md. Each row becomes a case (source `dossier`) and "
    "its respondent is matched against the register. All or nothing: if any row has a "
    "problem, nothing is written and the problem's `errors` name each row and field "
    "(`row 3.category`). The same file twice is refused; a row already imported is "
    "reported with its case, not opened again. `preview: true` answers row by row and "
    "writes nothing (200). At most 5000 rows (and 2 MiB) a time.",
    scope="cases:write",
    permission="case.open",
    errors=[403],
    request={"rows": [_ROW]},
    response=_RESULT,
    status=201,
)
# a preview answers 200, with the rows it would open as "new" and no id
_IMPORT["openapi_extra"]["responses"][200] = {
    "description": "The preview: what the import would do, row by row; nothing written.",
    "content": {
        "application/json": {
            "example": _RESULT
            | {"id": None, "created": 0, "new": 1}
            | {"items": [_RESULT["items"][0] | {"status": "new", "reference": ""}]}
        }
    },
}


@router.post("/dossiers", response={200: DossierOut, 201: DossierOut}, **_IMPORT)
@allow_body(IMPORT_BODY_BYTES)
def import_dossier(
    request: HttpRequest, payload: DossierRowsIn | DossierCsvIn
) -> Status[dict[str, Any]]:
    user = actor(request)
    if isinstance(payload, DossierCsvIn):
        dossier = dossiers.dossier_from_csv(payload.csv, filename=payload.filename)
    else:
        rows = [row.model_dump() for row in payload.rows]
        dossier = dossiers.dossier_from_rows(rows, filename=payload.filename)
    if payload.preview:
        return Status(200, render.dossier(dossiers.dossier_preview(actor=user, dossier=dossier)))
    return Status(201, render.dossier(dossiers.dossier_import(actor=user, dossier=dossier)))


@router.get(
    "/dossiers/{dossier_id}",
    response=DossierOut,
    **documented(
        "getDossier",
        "Read an imported dossier",
        "The dossier's counts and, row by row, the case each row opened and how its "
        "respondent was matched against the register.",
        scope="cases:read",
        permission="case.open",
        errors=[404, 422],
        response=_RESULT,
    ),
)
def get_dossier(request: HttpRequest, dossier_id: DossierId) -> dict[str, Any]:
    return render.dossier(dossiers.dossier_for(actor=actor(request), dossier_id=dossier_id))
