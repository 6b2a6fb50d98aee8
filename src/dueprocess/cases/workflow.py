"""The transition table, built from the case's rulebook.

The workflow knows *which* steps exist between which stages and what each needs (reasons,
once-only); the access policy knows *who* may take them. Services ask both.
"""

from __future__ import annotations

from dataclasses import dataclass

from dueprocess.errors import IllegalTransition, ReasonRequired
from dueprocess.rulebook.schema import Rulebook, Transition


@dataclass(frozen=True)
class Workflow:
    rules: Rulebook

    def transition(self, key: str) -> Transition:
        step = self.rules.transitions.get(key)
        if step is None:
            raise IllegalTransition(f"The rulebook has no step called {key!r}.")
        return step

    def available(
        self, stage: str, *, taken: set[str] | frozenset[str] = frozenset()
    ) -> list[Transition]:
        """Steps that can be taken from ``stage`` (once-only steps already taken excluded)."""
        return [t for t in self.rules.transitions_from(stage) if not (t.once and t.key in taken)]

    def check(
        self,
        *,
        stage: str,
        key: str,
        kind: str,
        reason: str,
        taken: set[str] | frozenset[str] = frozenset(),
    ) -> Transition:
        """Return the step if it may be taken now with this reason; raise a domain error if not."""
        step = self.transition(key)
        if step.kind != kind:
            raise IllegalTransition(
                f"{step.label!r} is a {step.kind!r} step and cannot be taken as {kind!r}."
            )
        if stage not in step.sources:
            label = self.rules.stages[stage].label if stage in self.rules.stages else stage
            raise IllegalTransition(f"{step.label!r} cannot be taken from the stage {label!r}.")
        if step.once and key in taken:
            raise IllegalTransition(f"{step.label!r} can be taken only once per case.")
        if step.reasons == "required" and not reason.strip():
            raise ReasonRequired(
                f"{step.label!r} needs written reasons.", fields={"reason": "Reasons are required."}
            )
        return step

    def stage_label(self, stage: str) -> str:
        found = self.rules.stages.get(stage)
        return found.label if found else stage
