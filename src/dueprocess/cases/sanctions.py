"""Pure rules about sanction sets: validity, departure from a recommendation, guideline range.

"Did the panel lower the sanction?" is answered here, by the rulebook's ladder order, so the
same rule flags a downgrade in the service, the dashboard and the API.
"""

from __future__ import annotations

from dataclasses import dataclass

from dueprocess.rulebook.schema import Rulebook


@dataclass(frozen=True)
class Departure:
    departs: bool
    direction: str  # none | downgrade | upgrade | different


def validate_sanctions(rules: Rulebook, finding: str, sanctions: list[str]) -> dict[str, str]:
    """Field errors for a proposed outcome (empty when valid)."""
    unknown = [s for s in sanctions if s not in rules.sanctions]
    if unknown:
        return {"sanctions": f"Unknown sanction(s): {', '.join(unknown)}."}
    if len(set(sanctions)) != len(sanctions):
        return {"sanctions": "A sanction is listed twice."}
    ranked = [s for s in sanctions if not rules.sanctions[s].combinable]
    if len(ranked) > 1:
        return {"sanctions": "Choose one sanction from the ladder (a course may be added)."}
    if finding == "breach" and not ranked:
        return {"sanctions": "A finding of breach needs a sanction from the ladder."}
    if finding == "no_breach" and any(rules.sanctions[s].severity > 0 for s in ranked):
        return {"sanctions": "No sanction can follow a finding of no breach."}
    if finding not in ("breach", "no_breach"):
        return {"finding": "The finding must be 'breach' or 'no_breach'."}
    return {}


def departure(
    rules: Rulebook,
    *,
    recommended: tuple[str, list[str]] | None,
    decided: tuple[str, list[str]],
) -> Departure:
    """Compare a decision (finding, sanctions) with the recommendation it follows."""
    if recommended is None:
        return Departure(False, "none")
    rec_finding, rec_sanctions = recommended
    finding, sanctions = decided
    if rec_finding == finding and sorted(rec_sanctions) == sorted(sanctions):
        return Departure(False, "none")
    before, after = _rank(rules, rec_finding, rec_sanctions), _rank(rules, finding, sanctions)
    if after < before:
        return Departure(True, "downgrade")
    if after > before:
        return Departure(True, "upgrade")
    return Departure(True, "different")


def _rank(rules: Rulebook, finding: str, sanctions: list[str]) -> tuple[int, int]:
    """Order outcomes: a breach outranks no breach; then by ladder severity; then add-ons."""
    add_ons = sum(1 for s in sanctions if rules.sanctions[s].combinable)
    return (1 if finding == "breach" else 0, rules.severity(sanctions) * 10 + add_ons)


def outside_guideline(rules: Rulebook, category: str, finding: str, sanctions: list[str]) -> str:
    """Why this outcome falls outside the category's guideline, or '' if it does not."""
    if finding != "breach" or category not in rules.categories:
        return ""
    guide = rules.categories[category]
    severity = rules.severity(sanctions)
    low, high = rules.sanctions[guide.guideline_min], rules.sanctions[guide.guideline_max]
    if severity < low.severity:
        return f"below the guideline minimum ({low.label}) for {guide.label}"
    if severity > high.severity:
        return f"above the guideline maximum ({high.label}) for {guide.label}"
    if guide.education == "required" and not any(rules.sanctions[s].combinable for s in sanctions):
        return f"the rulebook requires an education course for {guide.label}"
    return ""
