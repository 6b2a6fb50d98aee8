"""Filing on the public form and coming back with the receipt, as a visitor would."""

from __future__ import annotations

import json
import re
from typing import Any

from django.test import Client

from dueprocess.ledger import sealing
from dueprocess.ledger.entries import parse_entry
from dueprocess.ledger.models import LedgerEntry, LedgerPayload
from tests.world import World

RECEIPT = re.compile(r"<strong>(\d{4} \d{4} \d{4} \d{4})</strong>")


def report_form(world: World, **changes: object) -> dict[str, Any]:
    return {
        "idempotency_key": "public-form-1",
        "organisation": world.organisation.slug,
        "unit": str(world.unit.pk),
        "category": next(iter(world.rules.categories)),
        "what_happened": "At the branch meeting on 3 March he shouted a slur at a member.",
        "occurred_on": "2026-03-03",
        "respondent_name": "Rex Respondent",
        "respondent_details": "Branch treasurer",
        "anonymous": "on",
        "name": "",
        "email": "",
    } | changes


def file_report(client: Client, world: World, **changes: object) -> tuple[Any, str]:
    """POST the form; the answer and the receipt on it ("" if none)."""
    response = client.post("/report/", report_form(world, **changes))
    found = RECEIPT.search(response.content.decode())
    return response, found.group(1) if found else ""


def entries_since(seq: int, action: str) -> list[tuple[Any, dict[str, Any]]]:
    """The new entries with ``action``, parsed, with their sealed details opened."""
    found = []
    for row in LedgerEntry.objects.filter(seq__gt=seq, action=action).order_by("seq"):
        raw = bytes(row.entry)
        entry = parse_entry(raw)
        payload = LedgerPayload.objects.get(seq=row.seq)
        key = sealing.subject_key(payload.subject, create=False)
        assert key is not None
        plain = sealing.unseal(key, bytes(payload.nonce), bytes(payload.ciphertext), raw)
        found.append((entry, json.loads(plain)))
    return found


def last_seq() -> int:
    return LedgerEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
