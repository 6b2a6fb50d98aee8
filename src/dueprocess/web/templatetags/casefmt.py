"""Template filters that turn rulebook keys into the labels the organisation chose.

Templates cannot index a dictionary with a variable, so these small filters do it; they never
decide anything, only name things.
"""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


def _labels(table: dict[str, Any], keys: Any) -> str:
    return ", ".join(table[key].label if key in table else str(key) for key in keys or [])


@register.filter
def sanction_labels(keys: list[str], rules: Any) -> str:
    return _labels(rules.sanctions, keys) or "None"


@register.filter
def factor_labels(keys: list[str], rules: Any) -> str:
    return _labels(rules.factors, keys)


@register.filter
def ground_label(key: str, rules: Any) -> str:
    return _labels(rules.not_investigated_grounds, [key]) if key else ""


@register.filter
def measure_label(key: str, rules: Any) -> str:
    return _labels(rules.interim_measures, [key])


@register.filter
def measure_ground(measure: Any, rules: Any) -> str:
    kind = rules.interim_measures.get(measure.kind)
    grounds = {g.key: g for g in kind.grounds} if kind else {}
    return _labels(grounds, [measure.ground])


@register.filter
def category_label(key: str, rules: Any) -> str:
    return _labels(rules.categories, [key])
