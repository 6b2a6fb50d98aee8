"""What services call: ``record(actor=..., action=..., case=..., details=...)``.

It turns people and cases into keyed pseudonyms, picks the subject whose key seals the
details (the case, or the actor for events outside a case), stamps the request id and the
clock, and appends — all inside the caller's transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dueprocess.ledger import actions, keys, state, store
from dueprocess.lib import clock
from dueprocess.lib.ids import current_request_id

if TYPE_CHECKING:
    from dueprocess.accounts.models import User
    from dueprocess.cases.models import Case

SYSTEM_ACTOR = "system"


def actor_pseudonym(user: User | None) -> str:
    return keys.pseudonym("user", user.pk) if user is not None else SYSTEM_ACTOR


def party_pseudonym(access_id: int) -> str:
    """A party's pseudonym: the way in they were given (``parties.PartyAccess``), keyed."""
    return keys.pseudonym("party", access_id)


def case_pseudonym(case_id: int) -> str:
    return keys.pseudonym("case", case_id)


def record(
    *,
    actor: User | None,
    action: str,
    case: Case | None = None,
    case_id: int | None = None,
    role: str = "",
    details: dict[str, Any] | None = None,
    party_access_id: int | None = None,
) -> store.Appended | None:
    """Append one ledger entry for ``action`` by ``actor`` (optionally on a case).

    ``action`` must be in the catalogue (``dueprocess.ledger.actions``), checked even when the
    ledger is switched off so that a misspelt name fails every test that reaches it.
    ``party_access_id``: the act is a party's (not staff's), recorded under their pseudonym."""
    actions.check(action)
    if store.switched_off():
        state.discard_noted()
        return None
    if party_access_id is not None:
        actor_tag = party_pseudonym(party_access_id)
    else:
        actor_tag = actor_pseudonym(actor)
    target = case.pk if case is not None else case_id
    case_tag = case_pseudonym(target) if target is not None else ""
    subject = f"case:{case_tag}" if case_tag else f"actor:{actor_tag}"
    payload = dict(details or {})
    if case is not None:
        payload.setdefault("case_reference", case.reference)
    return store.append(
        actor=actor_tag,
        role=role,
        action=action,
        case=case_tag,
        request=current_request_id(),
        payload=payload,
        subject=subject,
        at=clock.now(),
    )
