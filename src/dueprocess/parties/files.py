"""Files a party sends to the case team from their own page, and staff reading them.

A party "can add information and files later": a file comes with a message (the party's own
words about it, or a plain "Sent a file"), so it sits in the thread the case team already reads.
It is checked and stored exactly as evidence is (``evidence.files``): the server computes the
SHA-256 and size, detects the type from the content against the rulebook's allow-list and size
limit, and seals it under the case's key; a refused or rolled-back upload leaves neither a row
nor a blob. It is not evidence until someone on the case team adds it as such, with a title and
a kind, so nothing a party sends reaches the respondent's file or a panel unseen.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction

from dueprocess.access.enforcement import recorded_denials
from dueprocess.access.rules import Gate
from dueprocess.cases.services.common import clean_text, lock_case
from dueprocess.errors import NotFound
from dueprocess.evidence.files import (
    EXTENSIONS,
    EvidenceCorrupted,
    check_content,
    open_blob,
    seal_blob,
)
from dueprocess.evidence.storage import EvidenceStore, default_store
from dueprocess.ledger.record import record
from dueprocess.lib import clock
from dueprocess.parties.models import Message, PartyAccess, PartyFile
from dueprocess.parties.services import (
    MESSAGE_LIMIT,
    recorded_party_denials,
    require_party,
)

if TYPE_CHECKING:
    from dueprocess.accounts.models import User
    from dueprocess.cases.models import Case

#: The message a file carries when the party wrote nothing about it.
NO_NOTE = "Sent a file."


@recorded_party_denials
def party_file_send(
    *, access: PartyAccess, content: bytes, note: str = "", store: EvidenceStore | None = None
) -> PartyFile:
    """A party sends a file (and optionally a few words about it) to the case team."""
    store = store or default_store()
    blob = ""
    try:
        with transaction.atomic():
            case = lock_case(access.case)
            verdict = require_party(access, case, "party.upload")
            text = clean_text(note, "note", limit=MESSAGE_LIMIT, required=False) or NO_NOTE
            media_type = check_content(case, content)
            now = clock.now()
            message = Message.objects.create(
                case=case,
                access=access,
                direction=Message.Direction.FROM_PARTY,
                body=text,
                sent_at=now,
            )
            digest = hashlib.sha256(content).hexdigest()
            blob = seal_blob(case, content, store)
            sent = PartyFile.objects.create(
                case=case,
                access=access,
                message=message,
                media_type=media_type,
                sha256=digest,
                size_bytes=len(content),
                blob=blob,
                received_at=now,
            )
            record(
                actor=None,
                party_access_id=access.pk,
                action="party.file_sent",
                case=case,
                role=verdict.role,
                details={
                    "message": message.pk,
                    "file": sent.pk,
                    "sha256": digest,
                    "size_bytes": len(content),
                    "media_type": media_type,
                },
            )
            return sent
    except BaseException:
        if blob:
            store.delete(blob)
        raise


@dataclass(frozen=True)
class FileDownload:
    content: bytes
    media_type: str
    filename: str


@recorded_denials
def party_file_download(
    *, actor: User, case: Case, file_id: int, store: EvidenceStore | None = None
) -> FileDownload:
    """A file a party sent, for someone who may see the case: the read is recorded before
    anything is served, and the content re-checked against the SHA-256 taken on receipt (a
    failed check is recorded as such and nothing is served). The one path for the staff page
    and the API; an id that is not a party's file on this case is ``NotFound``."""
    store = store or default_store()
    decision = Gate(actor, case).require("case.view")
    sent = PartyFile.objects.filter(pk=file_id, case=case).first()
    if sent is None:
        raise NotFound("No such file from a party on this case.")
    content = open_blob(case, sent.blob, sent.sha256, store)
    with transaction.atomic():
        record(
            actor=actor,
            action="party_file.downloaded" if content is not None else "party_file.corrupted",
            case=case,
            role=decision.role,
            details={"file": sent.pk, "sha256": sent.sha256},
        )
    if content is None:
        raise EvidenceCorrupted(
            "The stored file does not match the SHA-256 recorded when it was received; "
            "it is not served."
        )
    return FileDownload(content=content, media_type=sent.media_type, filename=file_name(case, sent))


def file_name(case: Case, sent: PartyFile) -> str:
    """The name a file a party sent is served under (the party's own file name is not kept):
    the case reference, the file's id and the extension of its detected type."""
    extension = EXTENSIONS.get(sent.media_type, "bin")
    return f"{case.reference}-party-file-{sent.pk}.{extension}"


def files_for_case(case: Case) -> list[PartyFile]:
    """Every file the parties sent on the case, oldest first, with the way in it came by and
    the message it came with, for a channel that has recorded its read of the case."""
    return list(PartyFile.objects.filter(case=case).select_related("access", "message"))
