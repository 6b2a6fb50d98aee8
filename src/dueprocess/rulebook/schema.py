"""The shape of a loaded rulebook.

These frozen dataclasses are what the rest of the code reads; nothing downstream touches raw
TOML. The kinds of step (``TRANSITION_KINDS``) and the roles (``ROLES``) are fixed by code,
because each needs code behind it; everything else — stages, who may do what, categories,
sanctions, deadlines, conflict periods — is the organisation's to declare.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

SCHEMA_ID = "dueprocess.rulebook/1"


class StaffRole(StrEnum):
    """Staff roles the access policy knows. A rulebook may relabel them, never invent new ones.

    An enumeration rather than bare strings so that a misspelt role is a type error or an
    ``AttributeError``, never a silent deny; members are strings, so stored values and the
    rulebook's TOML compare equal to them."""

    INTAKE_OFFICER = "intake_officer"
    INVESTIGATOR = "investigator"
    CASE_MANAGER = "case_manager"
    PANEL_MEMBER = "panel_member"
    OVERSIGHT = "oversight"
    INDEPENDENT_REVIEWER = "independent_reviewer"
    POLITICAL_OFFICE = "political_office"
    ADMINISTRATOR = "administrator"


ROLES: tuple[StaffRole, ...] = tuple(StaffRole)

#: Roles that may ever take part in a case's workflow (the rest never touch case files).
CASE_ROLES: tuple[StaffRole, ...] = (
    StaffRole.INTAKE_OFFICER,
    StaffRole.INVESTIGATOR,
    StaffRole.CASE_MANAGER,
    StaffRole.PANEL_MEMBER,
)

#: What each kind of transition records besides the stage change.
TRANSITION_KINDS = (
    "move",  # a plain stage change (acknowledge, notify, close, refer, reopen, ...)
    "accept",  # triage accepted the complaint for investigation
    "not_investigated",  # triage decided not to investigate: a decision with reasons
    "recommend",  # the investigator's recommendation (immutable once submitted)
    "decide",  # a panel decision (reasons required when it departs from the recommendation)
)

#: Phases group stages for queues and access (intake officers work the intake phase).
PHASES = ("intake", "investigation", "decision", "after_decision", "closed")

REASONS = ("none", "optional", "required")

#: When a sign-off applies. Each needs code that can tell from the case's data.
SIGN_OFF_CONDITIONS = (
    "always",  # every time the measure is imposed
    "respondent_is_elected_representative",  # a respondent holds elected office
)
EDUCATION = ("none", "recommended", "required")


@dataclass(frozen=True)
class Role:
    key: str
    label: str


@dataclass(frozen=True)
class Category:
    key: str
    label: str
    guideline_min: str
    guideline_max: str
    education: str = "none"
    protected_characteristic: bool = False


@dataclass(frozen=True)
class Stage:
    key: str
    label: str
    phase: str
    due_days: int | None = None
    terminal: bool = False


@dataclass(frozen=True)
class Transition:
    key: str
    label: str
    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...]
    kind: str = "move"
    reasons: str = "none"
    once: bool = False


@dataclass(frozen=True)
class Sanction:
    key: str
    label: str
    severity: int
    combinable: bool = False
    expiry_months: int | None = None
    max_months: int | None = None


@dataclass(frozen=True)
class Ground:
    key: str
    label: str


@dataclass(frozen=True)
class InterimMeasureKind:
    key: str
    label: str
    review_days: int
    grounds: tuple[Ground, ...]


@dataclass(frozen=True)
class TriageQuestion:
    key: str
    label: str
    decline_ground: str


@dataclass(frozen=True)
class SignOffRule:
    """Someone outside the case team must sign off a measure (e.g. the leader, for suspending
    an elected representative). The measure never waits for it; the answer is recorded."""

    key: str
    label: str
    applies_to_measure: str
    when: str
    signer_role: str
    due_days: int


@dataclass(frozen=True)
class Deadlines:
    acknowledge_days: int
    feedback_months: int


@dataclass(frozen=True)
class ConflictRules:
    political_office_months: int
    party_to_case: bool = True
    declared_relationships: bool = True


@dataclass(frozen=True)
class PanelRules:
    size: int
    quorum: int


@dataclass(frozen=True)
class Rulebook:
    """A validated rulebook. ``sha256`` is the hash of the exact source bytes."""

    name: str
    organisation_kind: str
    reference_prefix: str
    political_office_label: str
    roles: dict[str, Role]
    categories: dict[str, Category]
    stages: dict[str, Stage]
    initial_stage: str
    transitions: dict[str, Transition]
    sanctions: dict[str, Sanction]
    interim_measures: dict[str, InterimMeasureKind]
    triage_questions: tuple[TriageQuestion, ...]
    not_investigated_grounds: dict[str, Ground]
    factors: dict[str, Ground]
    deadlines: Deadlines
    conflicts: ConflictRules
    panel: PanelRules
    retention_years: int
    sha256: str = ""
    source: str = field(default="", repr=False)
    sign_offs: dict[str, SignOffRule] = field(default_factory=dict)
    #: Published counts below this are shown as "fewer than N" (``[transparency]``).
    suppression_threshold: int = 5

    def role_label(self, role: str) -> str:
        return self.roles[role].label if role in self.roles else role.replace("_", " ")

    def transitions_from(self, stage: str) -> list[Transition]:
        return [t for t in self.transitions.values() if stage in t.sources]

    def transitions_of_kind(self, kind: str) -> list[Transition]:
        return [t for t in self.transitions.values() if t.kind == kind]

    def ladder(self) -> list[Sanction]:
        """Sanctions that rank against each other, mildest first (combinable ones excluded)."""
        return sorted(
            (s for s in self.sanctions.values() if not s.combinable), key=lambda s: s.severity
        )

    def severity(self, sanctions: list[str] | tuple[str, ...]) -> int:
        """The severity of a set of sanctions: its most severe ranked sanction (0 if none)."""
        ranked = [self.sanctions[k].severity for k in sanctions if not self.sanctions[k].combinable]
        return max(ranked, default=0)

    def stages_in_phase(self, phase: str) -> list[str]:
        return [s.key for s in self.stages.values() if s.phase == phase]
