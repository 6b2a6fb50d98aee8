"""Template context shared by every page: what the navigation may show this person."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from dueprocess.access.rules import can


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated:
        return {}
    return {
        "nav": {
            "cases": can(user, "case.list").allowed,  # type: ignore[arg-type]
            "open_case": can(user, "case.open").allowed,  # type: ignore[arg-type]
        }
    }
