"""Opening an entry's sealed details for a reader: decrypt with the subject's key, and show
them only if they still match the commitment in the signed entry.

The mechanism only: which entries a person reads, and who may, are the case's business
(``cases.timeline``, called after ``access`` has passed the reader for the case). Erased
subjects have no key, so their entries simply show no details.
"""

from __future__ import annotations

import json
from typing import Any

from cryptography.exceptions import InvalidTag

from dueprocess.ledger import sealing
from dueprocess.ledger.models import LedgerPayload


def open_details(
    payload: LedgerPayload | None, data_key: bytes | None, raw: bytes, commitment: str
) -> tuple[dict[str, Any], bool]:
    """The details (and whether they stay sealed): ``{}`` when there is no payload or key,
    ``NOT_MATCHING`` when the payload is not the one the entry committed to."""
    if payload is None or data_key is None:
        return {}, True
    try:
        plain = sealing.unseal(data_key, bytes(payload.nonce), bytes(payload.ciphertext), raw)
    except InvalidTag:
        return dict(NOT_MATCHING), True
    if sealing.commit(bytes(payload.salt), plain) != commitment:
        return dict(NOT_MATCHING), True  # re-sealed: never shown as if genuine
    return json.loads(plain), False


#: What a payload that does not match its entry's commitment shows instead of its details.
#: ``reason`` is what the timeline prints; ``integrity`` lets any reader tell it apart.
NOT_MATCHING = {
    "integrity": "does not match its record",
    "reason": "These details do not match their record in the ledger and are not shown.",
}
