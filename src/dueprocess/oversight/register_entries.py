"""The interference register, entry by entry, for those who may see oversight figures.

Each entry — an approach, an advice request, a sign-off (with its objection), an emergency
access request, a recusal — is listed with what it is, when, which way and how it ended:
the facts the dashboard counts. What the entry says (who approached and what they asked, the
question and answer, the objection's reasons, the written reason for an emergency) and the
case reference are case data: they are included only for entries on cases the reader may open
anyway (``visible_cases``), and each page of entries is recorded before it is returned —
``oversight.viewed`` naming the entries, and ``case_list.viewed`` naming the cases whose
details were shown.

Pages are in time order with an opaque cursor, up to ``MAX_LIMIT`` entries each, so the whole
register is a handful of calls rather than one per case.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Model, QuerySet

from dueprocess.access.enforcement import recorded_denials
from dueprocess.access.models import EmergencyAccess
from dueprocess.access.rules import visible_cases
from dueprocess.cases.models import AdviceRequest, Approach, Recusal, SignOff
from dueprocess.errors import InvalidInput
from dueprocess.ledger.record import record
from dueprocess.lib.cursors import decode_cursor, encode_cursor
from dueprocess.oversight.queries import _organisation, _recorded

if TYPE_CHECKING:
    from dueprocess.accounts.models import User

MAX_LIMIT = 500


def _name(user: Any) -> str:
    return str(user) if user is not None else ""


def _approach(a: Approach) -> tuple[dict[str, Any], dict[str, Any]]:
    facts = {
        "from_political_office": a.from_political_office,
        "direction": a.direction,
        "channel": a.channel,
        "logged_at": a.logged_at,
    }
    return facts, {"approached_by": a.approached_by, "what_was_asked": a.what_was_asked}


def _advice(a: AdviceRequest) -> tuple[dict[str, Any], dict[str, Any]]:
    facts = {
        "adviser": _name(a.adviser),
        "requested_by": _name(a.requested_by),
        "answered_at": a.answered_at,
        "closed_at": a.closed_at,
    }
    return facts, {"question": a.question, "answer": a.answer}


def _signoff(s: SignOff) -> tuple[dict[str, Any], dict[str, Any]]:
    facts = {
        "rule": s.rule,
        "label": s.label,
        "signer_role": s.signer_role,
        "status": s.status,
        "due_on": s.due_on,
        "recorded_by": _name(s.recorded_by),
        "recorded_at": s.recorded_at,
        "answered_late": s.answered_late,
        "days_late": s.days_late,
    }
    return facts, {"reasons": s.reasons, "delay_reasons": s.delay_reasons}


def _emergency(e: EmergencyAccess) -> tuple[dict[str, Any], dict[str, Any]]:
    facts = {
        "requested_by": _name(e.requester),
        "approver": _name(e.approver),
        "approved_at": e.approved_at,
        "refused_at": e.refused_at,
        "expires_at": e.expires_at,
    }
    return facts, {"reason": e.reason}


def _recusal(r: Recusal) -> tuple[dict[str, Any], dict[str, Any]]:
    return {"person": _name(r.user), "source": r.source}, {"reason": r.reason}


Describe = Callable[[Any], tuple[dict[str, Any], dict[str, Any]]]
#: kind -> (model, time field, related rows to fetch, what to show)
KINDS: dict[str, tuple[type[Model], str, tuple[str, ...], Describe]] = {
    "approach": (Approach, "occurred_at", (), _approach),
    "advice": (AdviceRequest, "requested_at", ("adviser", "requested_by"), _advice),
    "signoff": (SignOff, "requested_at", ("recorded_by",), _signoff),
    "emergency": (EmergencyAccess, "requested_at", ("requester", "approver"), _emergency),
    "recusal": (Recusal, "recorded_at", ("user",), _recusal),
}


@dataclass(frozen=True)
class Entry:
    kind: str
    id: int
    at: dt.datetime
    case_reference: str | None  # only for a case the reader may open
    facts: dict[str, Any]
    details: dict[str, Any] | None  # likewise


@dataclass(frozen=True)
class EntryPage:
    kind: str
    entries: list[Entry]
    next_cursor: str | None
    total: int


@recorded_denials
def register_page_for(actor: User, *, kind: str, cursor: str = "", limit: int = 100) -> EntryPage:
    """One page of the register's entries of ``kind``, oldest first."""
    organisation = _organisation(actor)
    if kind not in KINDS:
        raise InvalidInput(
            "There is no such kind of entry.", fields={"kind": f"One of {', '.join(KINDS)}."}
        )
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput("Ask for 1 to 500 entries.", fields={"limit": "From 1 to 500."})
    model, field, related, describe = KINDS[kind]
    rows: QuerySet[Any] = model.objects.filter(case__organisation=organisation)  # type: ignore[attr-defined]
    total = rows.count()
    if cursor:
        at, pk = decode_cursor(cursor)
        rows = rows.filter(**{f"{field}__gt": at}) | rows.filter(**{field: at, "pk__gt": pk})
    rows = rows.select_related("case", *related).order_by(field, "pk")
    shown = list(rows[: limit + 1])
    more = len(shown) > limit
    shown = shown[:limit]
    open_to_reader = set(
        visible_cases(actor)
        .filter(pk__in={row.case_id for row in shown})
        .values_list("pk", flat=True)
    )
    entries = []
    for row in shown:
        facts, details = describe(row)
        visible = row.case_id in open_to_reader
        entries.append(
            Entry(
                kind=kind,
                id=row.pk,
                at=getattr(row, field),
                case_reference=row.case.reference if visible else None,
                facts=facts,
                details=details if visible else None,
            )
        )
    _recorded(actor, ["register_entries"], kind=kind, shown=[e.id for e in entries])
    revealed = [e.case_reference for e in entries if e.case_reference]
    if revealed:
        with transaction.atomic():
            record(
                actor=actor,
                action="case_list.viewed",
                details={"register": kind, "shown": sorted(set(revealed))},
            )
    last = entries[-1] if entries else None
    return EntryPage(
        kind=kind,
        entries=entries,
        next_cursor=encode_cursor(last.at, last.id) if more and last else None,
        total=total,
    )
