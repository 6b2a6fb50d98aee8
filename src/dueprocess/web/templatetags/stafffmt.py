"""Labels for the staff pages: the read shape (``accounts.presenters``) carries keys, as the API
does; the page shows the words."""

from __future__ import annotations

from typing import Any

from django import template

from dueprocess.accounts.models import ROLE_CHOICES, InterestDeclaration, ReviewOutcome

register = template.Library()
_ROLES: dict[str, str] = {str(key): label for key, label in ROLE_CHOICES}
_KINDS: dict[str, str] = dict(InterestDeclaration.Kind.choices)
_OUTCOMES: dict[str, str] = dict(ReviewOutcome.choices)


@register.filter
def role_label(key: str) -> str:
    return str(_ROLES.get(key, key))


@register.filter
def interest_kind_label(key: str) -> str:
    return str(_KINDS.get(key, key))


@register.filter
def outcome_label(key: str) -> str:
    return str(_OUTCOMES.get(key, key))


@register.filter
def label_of(key: Any, labels: dict[Any, str]) -> Any:
    return labels.get(key, key)


@register.filter
def entry(mapping: dict[Any, Any], key: Any) -> Any:
    """``mapping[key]``, or None: the form drawn for one row of a list (a role, a declaration)."""
    return mapping.get(key)
