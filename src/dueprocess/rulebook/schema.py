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

#: The roles the access policy lets publish the transparency report (``transparency.publish``);
#: a rulebook may name fewer of them.
REPORT_PUBLISHERS: tuple[str, ...] = (StaffRole.CASE_MANAGER, StaffRole.OVERSIGHT)

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

#: Who a letter may go to: the parties on the case with that role.
LETTER_RECIPIENTS = ("complainant", "respondent")

#: Events other than a rulebook step that may send a letter.
LETTER_EVENTS = (
    "interim_measure_imposed",
    "interim_measure_continued",
    "interim_measure_lifted",
    "interim_measure_lapsed",
    "feedback_given",
    "hearing_scheduled",  # a hearing was given a date, place and panel
    "hearing_adjourned",  # a hearing was put off to a new date
)

#: What happens to an interim measure when nobody reviews it by its review date.
UNREVIEWED_MEASURE = (
    "lapse",  # it is lifted, recorded as lapsed
    "escalate",  # it stays, and the head of complaints is told every day it is overdue
)

#: The facts a letter template may name, as ``{{ name }}``. Anything else is refused on load.
LETTER_PLACEHOLDERS: dict[str, str] = {
    "organisation": "the organisation's name",
    "rulebook": "the rulebook's name",
    "reference": "the case reference",
    "recipient_name": "the addressee's name",
    "recipient_role": "complainant or respondent",
    "date": "the date the letter was written",
    "received_on": "the date the complaint was received",
    "category": "the category of the complaint",
    "allegations": "the allegations, one per line",
    "stage": "the stage the case is at",
    "stage_due_on": "the date the current stage is due",
    "acknowledge_by": "the date by which the complaint is acknowledged",
    "feedback_by": "the date by which the complainant hears back",
    "measure": "the interim measure",
    "measure_ground": "the ground for the interim measure",
    "measure_reasons": "the reasons for the interim measure",
    "review_on": "the interim measure's review date",
    "finding": "the finding of the decision",
    "sanctions": "the sanctions decided",
    "decision_reasons": "the reasons for the decision",
    "sanction_expires_on": "when the sanction expires",
    "reason": "the reason given with the step",
    "appeal_by": "the last day of the appeal window",
    "hearing_at": "the date and time of the hearing",
    "hearing_place": "where the hearing is held (a room, or a link to join it)",
    "hearing_panel": "the members of the hearing panel, one per line",
    "adjournment_reason": "why the hearing was adjourned",
}


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
    #: A window the parties have while the case is at this stage (e.g. "appeal"): until its
    #: due date, a step to a terminal stage needs a recorded reason.
    window: str = ""


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
    unreviewed: str = "lapse"  # what happens at the review date if nobody reviewed it


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
    remind_days_before: int = 2  # reminders go to the assigned people this many days before


@dataclass(frozen=True)
class LetterTemplate:
    """A letter the rulebook sends: its template file (relative to the rulebook's folder),
    who gets it, on which steps or events, and (optionally) only for decisions that include one
    of ``sanctions``."""

    key: str
    label: str
    template: str
    recipients: tuple[str, ...]
    on: tuple[str, ...]
    sanctions: tuple[str, ...] = ()


#: The kinds of evidence item (``cases.EvidenceItem.Kind``), which ``[parties]
#: respondent_evidence`` may name (a test keeps the two equal).
EVIDENCE_KINDS = (
    "document",
    "screenshot",
    "social_media",
    "email",
    "statement",
    "recording",
    "other",
)


@dataclass(frozen=True)
class PartyRules:
    """What the parties are told and given (``[parties]``): how many days a respondent has to
    answer the allegations in writing from the notice, the words a party sees for each stage,
    and which of the rulebook's steps a respondent may take themself (a hearing request, an
    appeal; "" where the rulebook gives the respondent no such step)."""

    response_days: int
    stage_words: dict[str, str]
    hearing_request: str = ""
    appeal: str = ""
    #: The kinds of evidence item the respondent's own file lists and lets them download
    #: (``respondent_evidence``; none unless the rulebook names them). Staff can still withhold
    #: any one item.
    respondent_evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class ConflictRules:
    political_office_months: int
    party_to_case: bool = True
    declared_relationships: bool = True


@dataclass(frozen=True)
class PanelRules:
    size: int
    quorum: int


#: How a panel's members are chosen: an auditable random draw from the eligible pool, or
#: appointed by name (each appointment with its reason).
PANEL_SELECTIONS = ("draw", "appoint")


@dataclass(frozen=True)
class PanelSeat:
    """One kind of seat on a panel (``[[panels.seats]]``): how many, and the current training
    (a course name) a member needs to take it, "" for any current complaints training. The
    first seat of a panel is its chair's, and has one place."""

    key: str
    label: str
    count: int
    training: str = ""


@dataclass(frozen=True)
class StagePanel:
    """The panel that sits at some stages (``[[panels]]``): its seats in order (the chair's
    first), the members needed to decide, and how members are chosen. It is constituted at
    the first of its stages that a case reaches, and sits on at the rest."""

    stages: tuple[str, ...]
    seats: tuple[PanelSeat, ...]
    quorum: int
    selection: str = "draw"

    @property
    def size(self) -> int:
        return sum(seat.count for seat in self.seats)

    @property
    def chair_seat(self) -> PanelSeat:
        return self.seats[0]


@dataclass(frozen=True)
class HearingRules:
    """How hearings are held (``[hearings]``): the stage at which one is scheduled, the least
    number of days between the notice and the hearing (shorter only with the respondent's
    recorded agreement), and whether the hearing may be recorded (audio or video)."""

    stage: str = "hearing"
    notice_days: int = 14
    recordings_allowed: bool = False


@dataclass(frozen=True)
class AppealRules:
    """How a decision is appealed (``[appeals]``): the step that lodges an appeal and the
    grounds it may be lodged on. The window is the stage's own (the ``window`` stage the step
    starts from, until its due date). No table (``step`` empty): the lodging step is a plain
    step, as before the table existed."""

    step: str = ""
    grounds: dict[str, Ground] = field(default_factory=dict)

    @property
    def declared(self) -> bool:
        return bool(self.step)


#: What happens to a decision whose review period lapses with no reviewer's answer.
REVIEW_LAPSE = ("takes_effect", "held")
#: Which decisions are reviewed: every decision, or those of the listed categories/sanctions.
REVIEW_APPLIES = ("all", "listed")


@dataclass(frozen=True)
class ReviewRules:
    """Independent review of decisions (``[review]``): which decisions are reviewed, the days
    the reviewer has (``review_days``), what a lapse does (``on_lapse``: the decision
    ``takes_effect``, or stays ``held`` until a reviewer answers), and how many independent
    reviewers are drawn (with the training course they need, if any). No table
    (``applies_to`` empty): decisions take effect when recorded, as before the table existed."""

    applies_to: str = ""
    categories: tuple[str, ...] = ()
    sanctions: tuple[str, ...] = ()
    review_days: int = 14
    on_lapse: str = "takes_effect"
    reviewers: int = 1
    training: str = ""

    @property
    def declared(self) -> bool:
        return bool(self.applies_to)

    def needs_review(self, category: str, sanctions: list[str] | tuple[str, ...]) -> bool:
        """Whether a decision on a case of ``category`` imposing ``sanctions`` is reviewed."""
        if self.applies_to == "all":
            return True
        if self.applies_to != "listed":
            return False
        return category in self.categories or any(k in self.sanctions for k in sanctions)


@dataclass(frozen=True)
class EvidenceRules:
    """Which file types may be uploaded as evidence (detected from the content) and how big."""

    types: tuple[str, ...] = (
        "application/pdf",
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "text/plain",
    )
    max_bytes: int = 20 * 1024 * 1024


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
    letters: dict[str, LetterTemplate] = field(default_factory=dict)
    #: Published counts below this are shown as "fewer than N" (``[transparency]``).
    suppression_threshold: int = 5
    #: The roles that publish the transparency report (``[transparency] publishers``).
    report_publishers: tuple[str, ...] = REPORT_PUBLISHERS
    parties: PartyRules = field(default_factory=lambda: PartyRules(14, {}))
    #: Evidence uploads: allowed types and size limit (``[evidence]``).
    evidence: EvidenceRules = field(default_factory=EvidenceRules)
    #: Hearings: the stage, the notice period and recordings (``[hearings]``).
    hearings: HearingRules = field(default_factory=HearingRules)
    #: Panels constituted by the rules, per stage (``[[panels]]``); none: appointed by name.
    panels: tuple[StagePanel, ...] = ()
    #: Appeals: the lodging step and the grounds of appeal (``[appeals]``).
    appeals: AppealRules = field(default_factory=AppealRules)
    #: Independent review of decisions (``[review]``); none: decisions take effect at once.
    review: ReviewRules = field(default_factory=ReviewRules)

    def panel_at(self, stage: str) -> StagePanel | None:
        """The panel the rulebook constitutes for ``stage``, if it declares one."""
        return next((p for p in self.panels if stage in p.stages), None)

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
