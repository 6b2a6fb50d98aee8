"""Every denied attempt is on the record.

``require`` raises ``AccessDenied`` inside a service's transaction, which then rolls back —
taking anything written with it. ``recorded_denials`` catches the denial *after* the rollback,
appends ``access.denied`` in a transaction of its own, and only then turns it into the
``NotFound``/``Forbidden`` the caller sees.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.db import transaction

from dueprocess.errors import AccessDenied
from dueprocess.ledger.record import record

F = TypeVar("F", bound=Callable[..., Any])


def record_denial(denied: AccessDenied) -> None:
    with transaction.atomic():
        record(
            actor=denied.actor,  # type: ignore[arg-type]
            action="access.denied",
            case_id=denied.case_id,
            details={"attempted": denied.action, "reason": denied.reason},
        )


def recorded_denials(func: F) -> F:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except AccessDenied as denied:
            record_denial(denied)
            raise denied.as_domain_error() from None

    return cast(F, wrapper)
