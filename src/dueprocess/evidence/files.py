"""Evidence uploads and downloads: hashed, typed, size-checked, sealed, recorded.

The file is sealed and written to the store inside the service's transaction, after every check
and before the ledger entry; if anything in that transaction fails the blob is deleted before
the error propagates, so a refused or rolled-back upload leaves neither a row nor a file. The
blob name is random, and the sealed bytes are bound (as associated data) to the case and blob,
so a blob copied to another name or case does not decrypt.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.db import transaction

from dueprocess.access.enforcement import recorded_denials
from dueprocess.access.rules import Gate
from dueprocess.cases.models import EvidenceItem
from dueprocess.cases.services.common import clean_text, lock_case
from dueprocess.errors import DomainError, InvalidInput
from dueprocess.evidence import sniff
from dueprocess.evidence.interviews import consents_for_recording
from dueprocess.evidence.models import EvidenceFile, RecordedPerson
from dueprocess.evidence.storage import EvidenceStore, default_store
from dueprocess.ledger import sealing
from dueprocess.ledger.record import case_pseudonym, record
from dueprocess.lib import clock

if TYPE_CHECKING:
    from dueprocess.accounts.models import User
    from dueprocess.cases.models import Case


class EvidenceCorrupted(DomainError):
    """The stored file no longer decrypts or no longer has the SHA-256 recorded at upload."""

    code = "evidence-corrupted"
    status = 409


@dataclass(frozen=True)
class Download:
    item: EvidenceItem
    content: bytes
    media_type: str
    filename: str


EXTENSIONS = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "text/plain": "txt",
}


def _aad(case: Case, blob: str) -> bytes:
    return f"evidence:{case.pk}:{blob}".encode()


def _case_key(case: Case, *, create: bool) -> bytes | None:
    return sealing.subject_key(f"case:{case_pseudonym(case.pk)}", create=create)


def seal_blob(case: Case, content: bytes, store: EvidenceStore) -> str:
    """Seal ``content`` under the case's key and write it to ``store`` under a new random
    name, which is returned (the caller deletes it again if its transaction fails)."""
    data_key = _case_key(case, create=True)
    assert data_key is not None
    name = secrets.token_hex(32)
    nonce = os.urandom(12)
    store.put(name, nonce + AESGCM(data_key).encrypt(nonce, content, _aad(case, name)))
    return name


def open_blob(case: Case, blob: str, sha256: str, store: EvidenceStore) -> bytes | None:
    """The content of ``blob`` on ``case``, or None if it no longer decrypts (a destroyed key,
    a blob moved to another name or case) or no longer has the SHA-256 recorded on receipt."""
    try:
        data_key = _case_key(case, create=False)
        sealed = store.get(blob)
        if data_key is None:
            raise InvalidTag
        content = AESGCM(data_key).decrypt(sealed[:12], sealed[12:], _aad(case, blob))
    except (InvalidTag, OSError, ValueError):
        return None
    return content if hashlib.sha256(content).hexdigest() == sha256 else None


def check_content(case: Case, content: bytes) -> str:
    """The detected media type of ``content``, or ``InvalidInput`` naming the ``file`` field."""
    rules = case.rulebook.rules.evidence
    if not content:
        raise InvalidInput("The file is empty (0 bytes).", fields={"file": "The file is empty."})
    if len(content) > rules.max_bytes:
        limit = f"{rules.max_bytes // (1024 * 1024)} MB"
        raise InvalidInput(
            f"The file is larger than the limit of {limit}.",
            fields={"file": f"Larger than {limit}."},
        )
    media_type = sniff.detect(content)
    if media_type == "executable":
        raise InvalidInput(
            "The file is a program, whatever its name says; programs are not accepted.",
            fields={"file": "A program is not accepted."},
        )
    if media_type == "archive":
        raise InvalidInput(
            "Archives (zip, gzip, tar, 7z, rar) are not accepted; upload each file on its own.",
            fields={"file": "Archives are not accepted."},
        )
    if media_type not in rules.types:
        allowed = ", ".join(rules.types)
        raise InvalidInput(
            f"This type of file is not accepted (detected from its content: {media_type}). "
            f"Accepted: {allowed}.",
            fields={"file": f"Not an accepted type ({media_type})."},
        )
    return media_type


@recorded_denials
def evidence_add(
    *,
    actor: User,
    case: Case,
    title: str,
    kind: str,
    content: bytes,
    description: str = "",
    consents: Sequence[int] = (),
    store: EvidenceStore | None = None,
) -> EvidenceItem:
    """Add a piece of evidence with its file; the server computes its SHA-256 and size.

    A recording (kind ``recording``) names the recorded consent of each person heard on it
    (``consents``) and is refused without; other kinds take none."""
    store = store or default_store()
    blob = ""
    try:
        with transaction.atomic():
            case = lock_case(case)
            gate = Gate(actor, case)
            gate.require("case.view")
            decision = gate.require("case.evidence")
            if kind not in EvidenceItem.Kind.values:
                raise InvalidInput(
                    f"Unknown evidence kind {kind!r}.", fields={"kind": "Unknown kind."}
                )
            if kind == EvidenceItem.Kind.RECORDING:
                allowed = consents_for_recording(case=case, consent_ids=list(consents))
            elif consents:
                raise InvalidInput(
                    "Only a recording names consents.",
                    fields={"consents": "Only for a recording."},
                )
            else:
                allowed = []
            cleaned_title = clean_text(title, "title", limit=200)
            cleaned_description = clean_text(description, "description", required=False)
            media_type = check_content(case, content)
            digest = hashlib.sha256(content).hexdigest()
            item = EvidenceItem.objects.create(
                case=case,
                title=cleaned_title,
                kind=kind,
                description=cleaned_description,
                sha256=digest,
                size_bytes=len(content),
                received_at=clock.now(),
                added_by=actor,
            )
            blob = seal_blob(case, content, store)
            EvidenceFile.objects.create(item=item, media_type=media_type, blob=blob)
            for consent in allowed:
                RecordedPerson.objects.create(item=item, consent=consent)
            record(
                actor=actor,
                action="evidence.added",
                case=case,
                role=decision.role,
                details={
                    "evidence": item.pk,
                    "kind": kind,
                    "sha256": digest,
                    "size_bytes": len(content),
                    "media_type": media_type,
                    **({"consents": [c.pk for c in allowed]} if allowed else {}),
                },
            )
            return item
    except BaseException:
        if blob:
            store.delete(blob)
        raise


@recorded_denials
def evidence_download(
    *, actor: User, case: Case, item_id: int, store: EvidenceStore | None = None
) -> Download:
    """The file of evidence ``item_id`` on ``case``, after recording the download and checking
    that it still has the SHA-256 recorded when it was received."""
    gate = Gate(actor, case)
    decision = gate.require("case.view")
    checked = checked_file(case, item_id, store)
    with transaction.atomic():
        record(
            actor=actor,
            action=checked.action,
            case=case,
            role=decision.role,
            details={"evidence": checked.item.pk, "sha256": checked.item.sha256},
        )
    return checked.download()


@dataclass(frozen=True)
class Checked:
    """An evidence file read back from the store and checked against its recorded SHA-256
    (``content`` is None if it no longer decrypts or matches), not yet recorded or served."""

    case: Case
    stored: EvidenceFile
    content: bytes | None

    @property
    def item(self) -> EvidenceItem:
        return self.stored.item

    @property
    def action(self) -> str:
        """The entry the download is recorded as, before anything is served."""
        return "evidence.downloaded" if self.content is not None else "evidence.corrupted"

    def download(self) -> Download:
        """The file to serve; ``EvidenceCorrupted`` (after the entry) if it failed its check."""
        if self.content is None:
            raise EvidenceCorrupted(
                "The stored file does not match the SHA-256 recorded when it was received; "
                "it is not served."
            )
        extension = EXTENSIONS.get(self.stored.media_type, "bin")
        return Download(
            item=self.item,
            content=self.content,
            media_type=self.stored.media_type,
            filename=f"{self.case.reference}-evidence-{self.item.pk}.{extension}",
        )


def checked_file(case: Case, item_id: int, store: EvidenceStore | None = None) -> Checked:
    """Read evidence ``item_id``'s file on ``case`` and check it (``NotFound`` if the item has
    no file on this case). For a download service that has decided access and records the
    download before it calls ``Checked.download``."""
    store = store or default_store()
    stored = (
        EvidenceFile.objects.select_related("item").filter(item_id=item_id, item__case=case).first()
    )
    if stored is None:
        from dueprocess.errors import NotFound

        raise NotFound("No such evidence file on this case.")
    content = open_blob(case, stored.blob, stored.item.sha256, store)
    return Checked(case=case, stored=stored, content=content)


def orphan_blobs(store: EvidenceStore | None = None) -> list[str]:
    """Blobs in the store with no row (left by a crash between write and commit)."""
    store = store or default_store()
    known = set(EvidenceFile.objects.values_list("blob", flat=True))
    return [name for name in store.names() if name not in known]
