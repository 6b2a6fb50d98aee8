"""What was sent to each party of a case and when, what each party has seen, and the files the
parties sent: the read models the staff case page shows (``parties.seen.seen_for_case``,
``parties.files.files_for_case``), after the recorded view of the case file
(``case_detail_for``), so a case the caller may not see is the same 404 as a missing one, and
recorded. A file is downloaded through the case page's own service
(``parties.files.party_file_download``): recorded, then re-checked, then served."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router

from dueprocess.access.enforcement import case_gate
from dueprocess.api import examples as ex
from dueprocess.api import render
from dueprocess.api.auth import actor
from dueprocess.api.docs import documented, file_download, link
from dueprocess.api.endpoints.cases import Ref
from dueprocess.api.endpoints.parts import Id
from dueprocess.api.outputs import PartiesSeenOut, PartyFileOut
from dueprocess.cases.queries import case_detail_for
from dueprocess.lib.downloads import file_attachment
from dueprocess.parties.files import files_for_case, party_file_download
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


@router.get(
    "/cases/{ref}/party-files",
    response=list[PartyFileOut],
    **documented(
        "listPartyFiles",
        "List the files the parties sent",
        "Every file a party sent from their own page, oldest first: which party's way in it came "
        "by (and that party's role), the name it is downloaded under, its type (detected from "
        "its content on receipt), size and SHA-256, when it came, and the message it came with "
        "(its id in `listMessages`, and its words). A file a party sends is not evidence until "
        "someone on the case team adds it as such. A recorded view of the case file.",
        scope="cases:read",
        errors=[404, 422],
        response=[ex.PARTY_FILE],
        links={
            "DownloadThisFile": link(
                "downloadPartyFile",
                "The first file's bytes.",
                ref="$request.path.ref",
                id="$response.body#/0/id",
            )
        },
    ),
)
def list_party_files(request: HttpRequest, ref: Ref) -> list[dict[str, Any]]:
    case = case_detail_for(actor(request), ref).case
    return [render.party_file(item, case) for item in files_for_case(case)]


_DOWNLOAD = file_download(
    "downloadPartyFile",
    "Download a file a party sent",
    "The file's bytes, with its detected type. As on the case page: the download is recorded "
    "(`party_file.downloaded`) before the file is sent, and the file's SHA-256 is checked "
    "against the one taken when it was received: a file that fails the check is not sent "
    "(`evidence-corrupted`, 409) and the failure is recorded (`party_file.corrupted`). An id "
    "that is not a party's file on this case is 404.",
)


@router.get("/cases/{ref}/party-files/{id}", **_DOWNLOAD)
def download_party_file(request: HttpRequest, ref: Ref, id: Id) -> HttpResponse:
    user = actor(request)
    got = party_file_download(actor=user, case=case_gate(user, ref), file_id=id)
    return file_attachment(got.content, got.media_type, got.filename)
