"""Template context shared by every page: what the navigation may offer this person."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from dueprocess.access.policy import EMERGENCY_REQUESTERS
from dueprocess.access.rules import Gate


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    gate = Gate(user)  # one look-up of the person's roles answers every question below
    cases = gate.can("case.list").allowed
    return {
        "nav": {
            "cases": cases,
            "backlog": cases and gate.can("oversight.view").allowed,
            "open_case": gate.can("case.open").allowed,
            "oversight": gate.can("oversight.view").allowed,
            "emergency": bool(gate.facts.roles & EMERGENCY_REQUESTERS),
            # the same questions the accounts services ask before they let anyone in
            "staff": gate.can("accounts.manage").allowed and user.organisation_id is not None,
            "interests": gate.can("interests.review").allowed,
        }
    }


def demo_build(request: HttpRequest) -> dict[str, Any]:
    """While ``dueprocess demo`` is still building in the background, how far it has got, for
    the banner in ``base.html``. Read from memory: no query, and nothing once the build is
    done."""
    from dueprocess.demo.progress import current

    progress = current()
    return {"demo_build": progress} if progress is not None else {}
