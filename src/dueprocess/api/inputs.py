"""What clients send. Shapes only: whether a category exists, a step may be taken now or a
sanction fits the finding is for the services to say, in the same words as the web app."""

from __future__ import annotations

from typing import Annotated, Literal

from ninja import Schema
from pydantic import ConfigDict, Field, StringConstraints

from dueprocess.api.types import (
    NO_NUL,
    NOT_BLANK,
    Answers,
    Date,
    DateTime,
    Email,
    Flag,
    Identifier,
    JsonInt,
    Key,
    OptionalEmail,
    OptionalKey,
    OptionalText,
    ShortText,
    Text,
    Version,
)
from dueprocess.cases.services.emergency import MAX_HOURS

Source = Literal["web", "email", "dossier", "staff", "phone"]
Finding = Literal["breach", "no_breach"]
MemberNumber = Annotated[str, StringConstraints(max_length=40, pattern=NO_NUL)]
UnitSlug = Annotated[str, StringConstraints(max_length=50, pattern=r"^[-a-zA-Z0-9_]*$")]
OptionalReference = Annotated[
    str, StringConstraints(max_length=32, pattern=r"^([A-Za-z0-9][A-Za-z0-9-]*)?$")
]
# Text that must say something, limited as the service that stores it limits it — so the
# document never calls valid what the service would turn away as too long.
Title = Annotated[str, StringConstraints(max_length=200, pattern=NOT_BLANK)]
BriefReason = Annotated[str, StringConstraints(max_length=2000, pattern=NOT_BLANK)]
Question = Annotated[str, StringConstraints(max_length=4000, pattern=NOT_BLANK)]
Extract = Annotated[str, StringConstraints(max_length=10000, pattern=NOT_BLANK)]
EvidenceKind = Literal[
    "document", "screenshot", "social_media", "email", "statement", "recording", "other"
]
Channel = Literal["in_person", "phone", "email", "message", "other"]
Direction = Literal["lighter", "harsher", "neither", "unclear"]


class Strict(Schema):
    """Unknown fields are refused rather than ignored: a misspelt ``reasons`` must not vanish."""

    model_config = ConfigDict(extra="forbid")


class PartyIn(Strict):
    name: ShortText = ""
    email: OptionalEmail = ""
    member_number: MemberNumber = Field("", description="Links the party to the register.")
    anonymous: Flag = False
    elected_office: ShortText = ""


class AllegationIn(Strict):
    summary: Text
    occurred_on: Date | None = None
    source: Annotated[str, StringConstraints(max_length=500, pattern=NO_NUL)] = ""
    category: OptionalKey = Field("", description="Defaults to the case's category.")


class CaseOpenIn(Strict):
    unit: UnitSlug = Field(
        "", description="The unit's slug; may be left out when the organisation has one unit."
    )
    category: Key
    summary: Text
    complainant: PartyIn
    respondent: PartyIn
    allegations: list[AllegationIn] = Field(default_factory=list, max_length=50)
    source: Source = "web"
    received_at: DateTime | None = Field(None, description="When it arrived; defaults to now.")


class StepIn(Strict):
    reason: OptionalText = Field("", description="Written reasons; some steps require them.")
    expected_version: Version | None = Field(
        None, description="The case `version` you acted on; a stale one is refused (409)."
    )


class TriageIn(Strict):
    answers: Answers = Field(
        description="Every triage question of the rulebook, answered yes (true) or no (false)."
    )
    reason: OptionalText = ""
    ground: OptionalKey = Field("", description="Decide not to investigate on this ground.")
    category: OptionalKey = Field("", description="Re-categorise the case.")
    duplicate_of: OptionalReference = ""
    transition: OptionalKey = Field("", description="Name the step if several could apply.")
    member_reason: OptionalText = Field(
        "",
        description="Required to answer yes to respondent_is_member for a respondent linked to"
        " no member of the register: why they are a member all the same.",
    )
    expected_version: Version | None = None


class RecommendationIn(Strict):
    finding: Finding
    sanctions: list[Key] = Field(default_factory=list, max_length=10)
    reasons: OptionalText = ""
    factors: list[Key] = Field(default_factory=list, max_length=20)
    transition: OptionalKey = ""
    expected_version: Version | None = None


class VoteIn(Strict):
    member: Email = Field(description="The panel member's e-mail address.")
    concurs: Flag = Field(description="true: concurs with the decision; false: dissents.")
    reasons: OptionalText = Field("", description="Required for a dissent.")


class DecisionIn(Strict):
    finding: Finding
    sanctions: list[Key] = Field(default_factory=list, max_length=10)
    reasons: OptionalText = Field(
        "", description="Required when departing from the recommendation or the guideline."
    )
    transition: OptionalKey = ""
    expected_version: Version | None = None
    votes: list[VoteIn] | None = Field(
        default=None,
        max_length=20,
        description="Where the rulebook constitutes the panel: each member's concurrence or"
        " dissent, recorded by the chair; the rulebook's quorum must concur.",
    )
    sealed: Flag = Field(
        False,
        description="true: record it provisional and sealed — shown only to the panel, the case"
        " moving on when it is announced (POST .../decisions/{id}/announce).",
    )


class NoteIn(Strict):
    body: Text


class DigestIn(Strict):
    on: Flag = Field(description="true: send me the daily digest; false: stop it.")


class RedactionIn(Strict):
    allegation: Identifier = Field(description="The id of one of the case's allegations.")
    passage: Text = Field(description="The passage to withhold, exactly as it stands.")
    reason: Text


class AssignIn(Strict):
    assignee: Email = Field(description="The e-mail address of a member of staff.")
    role: Literal["investigator", "panel_member"]
    reason: OptionalText = ""


class ReasonIn(Strict):
    reason: Text


class MemberMatchIn(Strict):
    verdict: Literal["confirm", "reject"] = Field(
        description="Confirm the respondent's suggested register link, or reject it (unlink)."
    )
    reason: OptionalText = Field("", description="Required to reject.")
    expected_version: Version | None = None


class MeasureIn(Strict):
    kind: Key
    ground: Key
    reasons: Text


class RevisionIn(Strict):
    finding: Finding
    sanctions: list[Key] = Field(default_factory=list, max_length=10)
    reasons: Text = Field(description="Why the recommendation is corrected; always required.")
    factors: list[Key] = Field(default_factory=list, max_length=20)


class EvidenceIn(Strict):
    title: Title
    kind: EvidenceKind
    description: OptionalText = ""


class InterviewIn(Strict):
    interviewee: Title = Field(description="Who was interviewed.")
    held_at: DateTime = Field(description="When the interview was held: not in the future.")
    statement: Text = Field(description="The statement taken.")
    statement_agreed: Flag = Field(description="Whether the interviewee agreed the statement.")


class ConsentIn(Strict):
    person: Title = Field(description="Who consented to being recorded.")
    scope: BriefReason = Field(description="What exactly they consented to.")
    given_at: DateTime = Field(description="When they consented: not in the future.")
    interview: int | None = Field(None, ge=1, le=2**31 - 1, description="At this interview.")


class ApproachIn(Strict):
    approached_by: Title = Field(description="Who made contact, and their role.")
    from_political_office: Flag = False
    channel: Channel
    occurred_at: DateTime = Field(
        description="When it happened: not in the future, not more than three years ago."
    )
    what_was_asked: Text
    direction: Direction = Field(
        default="unclear",
        description="Which way the contact pushed the case: towards a lighter outcome (or "
        "none), a harsher one, neither (information or timing only), or unclear.",
    )


class AdviceIn(Strict):
    adviser: Email = Field(description="The e-mail address of a member of staff.")
    question: Question
    extract: Extract = Field(description="The only part of the case the adviser will see.")


class AnswerIn(Strict):
    answer: Text


class BriefReasonIn(Strict):
    reason: BriefReason


class SignOffIn(Strict):
    outcome: Literal["signed", "objected"]
    reasons: Text
    delay_reasons: OptionalText = Field(
        "", description="Required when the sign-off comes after its due date."
    )


class GrantIn(Strict):
    hours: JsonInt = Field(
        ge=1,
        le=MAX_HOURS,
        description=f"How long the access lasts, in hours (at most {MAX_HOURS}).",
    )


class MatchIn(Strict):
    name: ShortText = ""
    email: Annotated[str, StringConstraints(max_length=254, pattern=NO_NUL)] = ""
    number: MemberNumber = ""
    limit: JsonInt = Field(10, ge=1, le=100)


class MemberRowIn(Strict):
    number: Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=NO_NUL)]
    full_name: Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=NO_NUL)]
    email: Annotated[str, StringConstraints(max_length=254, pattern=NO_NUL)] = ""
    postcode: Annotated[str, StringConstraints(max_length=12, pattern=NO_NUL)] = ""
    status: Literal["active", "lapsed", "suspended", "expelled"] = "active"
    joined_on: Date | None = None
    elected_office: ShortText = ""


class MemberRowsIn(Strict):
    members: list[MemberRowIn] = Field(min_length=1, max_length=5000)


class MemberCsvIn(Strict):
    csv: Annotated[str, StringConstraints(min_length=1, max_length=262144, pattern=NO_NUL)] = Field(
        description="A CSV export with a header line: number,full_name,email,…"
    )


Cell10 = Annotated[str, StringConstraints(max_length=10, pattern=NO_NUL)]
Cell12 = Annotated[str, StringConstraints(max_length=12, pattern=NO_NUL)]
Cell40 = Annotated[str, StringConstraints(max_length=40, pattern=NO_NUL)]
Cell60 = Annotated[str, StringConstraints(max_length=60, pattern=NO_NUL)]
Cell200 = Annotated[str, StringConstraints(max_length=200, pattern=NO_NUL)]
Cell254 = Annotated[str, StringConstraints(max_length=254, pattern=NO_NUL)]
Cell500 = Annotated[str, StringConstraints(max_length=500, pattern=NO_NUL)]
Cell20000 = Annotated[str, StringConstraints(max_length=20000, pattern=NO_NUL)]


class DossierRowIn(Strict):
    """One complaint of a dossier (the columns of ``docs/dossiers.md``); what each must say is
    checked by the import, which names the row and field of every problem."""

    respondent_name: Cell200 = ""
    respondent_email: Cell254 = ""
    respondent_postcode: Cell12 = ""
    respondent_member_number: Cell40 = ""
    category: Cell60 = ""
    summary: Cell20000 = ""
    occurred_on: Cell10 = Field("", description="YYYY-MM-DD")
    evidence: Cell500 = ""
    complainant_name: Cell200 = Field("", description="Empty: an anonymous complainant.")
    complainant_email: Cell254 = ""
    unit: UnitSlug = Field("", description="May be left out when the organisation has one unit.")


DossierFilename = Cell200


class DossierRowsIn(Strict):
    rows: list[DossierRowIn] = Field(min_length=1, max_length=5000)
    preview: Flag = Field(False, description="Check and match every row; write nothing.")
    filename: DossierFilename = ""


class DossierCsvIn(Strict):
    csv: Annotated[str, StringConstraints(min_length=1, max_length=2_000_000, pattern=NO_NUL)] = (
        Field(description="The dossier as CSV, with a header line: respondent_name,category,…")
    )
    preview: Flag = Field(False, description="Check and match every row; write nothing.")
    filename: DossierFilename = ""


__all__ = [
    "AdviceIn",
    "AllegationIn",
    "AnswerIn",
    "ApproachIn",
    "AssignIn",
    "BriefReasonIn",
    "CaseOpenIn",
    "DecisionIn",
    "DossierCsvIn",
    "DossierRowsIn",
    "Email",
    "EvidenceIn",
    "GrantIn",
    "MatchIn",
    "MeasureIn",
    "MemberCsvIn",
    "MemberRowsIn",
    "NoteIn",
    "PartyIn",
    "ReasonIn",
    "RecommendationIn",
    "RevisionIn",
    "SignOffIn",
    "StepIn",
    "TriageIn",
]


class MessageIn(Strict):
    party: Identifier = Field(description="The id of the party's way in (`listMessages`).")
    body: Text


SummaryText = Annotated[str, StringConstraints(max_length=4000, pattern=NOT_BLANK)]


class SummaryIn(Strict):
    text: SummaryText = Field(
        description="The anonymised summary: no party's name or address, no case reference."
    )


class SummaryVersionIn(Strict):
    version: Version = Field(description="The version awaiting approval (from `getSummary`).")


class SummaryReturnIn(Strict):
    version: Version = Field(description="The version awaiting approval (from `getSummary`).")
    reason: BriefReason = Field(description="Why it goes back, for the case team.")


class FeedbackIn(Strict):
    text: Text = Field(description="What the complainant is told about how the complaint stands.")


class ContinueMeasureIn(Strict):
    reasons: Text = Field(description="Why the measure is still needed.")
    review_on: Date = Field(description="The next review date (after today, within the limit).")


Place = Annotated[str, StringConstraints(max_length=500, pattern=NOT_BLANK)]
OptionalPlace = Annotated[str, StringConstraints(max_length=500, pattern=NO_NUL)]
Agreement = Annotated[str, StringConstraints(max_length=1000, pattern=NO_NUL)]
Outcome = Annotated[str, StringConstraints(max_length=4000, pattern=NOT_BLANK)]


class HearingScheduleIn(Strict):
    starts_at: DateTime = Field(description="When the hearing starts (RFC 3339, with an offset).")
    place: Place = Field(description="A room and its address, or the link to join remotely.")
    panel: list[Email] | None = Field(
        default=None,
        max_length=20,
        description="The panel members' e-mail addresses; omitted: the case's panel as appointed.",
    )
    short_notice_agreement: Agreement = Field(
        default="",
        description="Who agreed for the respondent to less than the rulebook's notice, and how.",
    )


class HearingAdjournIn(Strict):
    reason: BriefReason = Field(description="Why the hearing is adjourned (the parties read it).")
    starts_at: DateTime = Field(description="The new date and time (RFC 3339, with an offset).")
    place: OptionalPlace = Field(default="", description="A new place; empty: the same place.")
    short_notice_agreement: Agreement = ""


class HearingRecordIn(Strict):
    respondent_attended: Flag
    representation: ShortText = Field(
        default="", description='Who represented the respondent ("a friend", "a lawyer"); "" none.'
    )
    account: Text = Field(description="The record of what happened at the hearing.")
    outcome: Outcome = Field(description="What the hearing concluded, or what happens next.")
    held_at: DateTime | None = Field(
        default=None, description="When it was held; omitted: the time it was scheduled for."
    )
    recording_made: Flag = Field(
        default=False,
        description="Whether it was recorded (only if the rulebook allows, and only with the"
        " recorded consent of each person present: the panel, the respondent if they"
        " attended, their representative and `others_present`).",
    )
    others_present: list[Title] = Field(
        default_factory=list, max_length=20, description="Anyone else present, by name."
    )


class HearingConsentIn(Strict):
    person: Title = Field(description="Who answered, by name (as the record will list them).")
    answer: Literal["given", "refused", "withdrawn"] = Field(
        "given", description="Their answer; the latest for the hearing counts."
    )
    scope: BriefReason = Field(description="What exactly they answered for.")
    given_at: DateTime = Field(description="When they answered: not in the future.")


class PanelAppointIn(Strict):
    reason: BriefReason = Field(description="Why the panel is appointed by name, not drawn.")
    seats: dict[Annotated[str, StringConstraints(max_length=64)], list[Email]] = Field(
        max_length=20,
        description="Each seat's key (as the rulebook names it) and the members' e-mail"
        " addresses for it, the chair's seat among them.",
    )


class AppealIn(Strict):
    ground: OptionalKey = Field(description="One of the rulebook's grounds of appeal (its key).")
    statement: OptionalText = Field(description="Why the decision should not stand; required.")
    expected_version: Version | None = None


class ReviewVerifyIn(Strict):
    """Verifying takes nothing but the drawn reviewer's word (an empty body is fine)."""


class ReviewVetoIn(Strict):
    reasons: OptionalText = Field(description="Why the decision is vetoed; required.")


class AppealDecideIn(Strict):
    result: Literal["confirm", "replace"] = Field(
        description="confirm: the decision under appeal stands; replace: this outcome replaces it."
    )
    reasons: OptionalText = Field(description="The new panel's reasons; required.")
    finding: Literal["breach", "no_breach", ""] = Field(
        "", description="Required to replace; a confirmation takes the decision under appeal's."
    )
    sanctions: list[Key] = Field(default_factory=list, max_length=10)
    votes: list[VoteIn] | None = Field(
        default=None,
        max_length=20,
        description="Where the rulebook constitutes the panel: each member's concurrence or"
        " dissent, recorded by the chair.",
    )
    expected_version: Version | None = None
