"""Every denied attempt is on the record.

``require`` raises ``AccessDenied`` inside a service's transaction, which then rolls back —
taking anything written with it. ``recorded_denials`` catches the denial *after* the rollback,
appends ``access.denied`` in a transaction of its own, and only then turns it into the
``NotFound``/``Forbidden`` the caller sees.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.db import transaction

from dueprocess.access.rules import can, case_for, found_case
from dueprocess.errors import AccessDenied, Forbidden
from dueprocess.ledger.record import record

if TYPE_CHECKING:
    from dueprocess.accounts.models import User
    from dueprocess.cases.models import Case

F = TypeVar("F", bound=Callable[..., Any])


def record_denial(denied: AccessDenied) -> None:
    with transaction.atomic():
        record(
            actor=denied.actor,  # type: ignore[arg-type]
            action="access.denied",
            case_id=denied.case_id,
            details={"attempted": denied.action, "reason": denied.reason},
        )


def require_account_administrator_of(
    actor: User, person: User, *, attempted: str, reason: str, refusal: str
) -> None:
    """Let ``actor`` act on ``person``'s account only as an account administrator of the same
    organisation; otherwise record the refusal (``attempted``, ``reason``) and raise
    ``Forbidden(refusal)``. Account actions run outside any case, so there is no rollback to
    wait for: the denial is recorded here, before raising."""
    if can(actor, "accounts.manage").allowed and actor.organisation_id == person.organisation_id:
        return
    record_denial(
        AccessDenied(actor=actor, action=attempted, case_id=None, reason=reason, reveal=True)
    )
    raise Forbidden(refusal)


def recorded_denials(func: F) -> F:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except AccessDenied as denied:
            record_denial(denied)
            raise denied.as_domain_error() from None

    return cast(F, wrapper)


def case_gate(
    actor: User, reference: str = "", action: str = "case.view", *, case_id: int | None = None
) -> Case:
    """The one recorded gate every channel (web pages and forms, API, oversight pages) passes to
    turn what a client names into a case: the case named by reference or id, if ``actor`` may
    take ``action`` on it. Every refusal -- an unknown reference or id included, on any verb --
    is recorded as ``access.denied`` and answered as the same ``NotFound``/``Forbidden``.
    Call it outside any transaction (the record must survive); services check the act again."""
    try:
        case, _ = case_for(actor, reference, action, case_id=case_id)
    except AccessDenied as denied:
        record_denial(denied)
        raise denied.as_domain_error() from None
    return case


def case_to_change(actor: User, reference: str = "", *, case_id: int | None = None) -> Case:
    """The case row named by reference or id, for a channel that hands it straight to a
    service which locks it and asks the recorded gate itself (``case.view`` first).

    An unknown reference is recorded and refused here exactly as ``case_gate`` refuses it; a
    case the person may not know about is refused, recorded the same way and with the same
    ``NotFound``, by the service -- after it has locked the case, so the access facts are
    computed once per write and a concurrent recusal or revoked role still wins. Use it only
    when nothing between this call and the service's can fail or show anything about the case
    (a form that fails re-renders the page through the gated read)."""
    try:
        return found_case(actor, reference, "case.view", case_id=case_id)
    except AccessDenied as denied:
        record_denial(denied)
        raise denied.as_domain_error() from None
