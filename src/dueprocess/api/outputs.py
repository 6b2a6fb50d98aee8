"""What the API returns. Least data: lists carry no personal data; complainant identities
stay hidden when anonymous; e-mail addresses of parties are never returned."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Schema


class Person(Schema):
    name: str
    email: str


class CaseItem(Schema):
    reference: str
    unit: str
    category: str
    category_label: str
    stage: str
    stage_label: str
    received_at: dt.datetime
    stage_due_on: dt.date | None
    overdue: bool
    closed_at: dt.datetime | None


class CasePageOut(Schema):
    items: list[CaseItem]
    next_cursor: str | None
    limit: int


class CaseState(Schema):
    reference: str
    category: str
    stage: str
    stage_label: str
    version: int
    received_at: dt.datetime
    stage_due_on: dt.date | None
    closed_at: dt.datetime | None


class PartyOut(Schema):
    id: int
    role: str
    name: str
    anonymous: bool
    member_number: str | None
    #: the register link: "suggested" until someone who may triage confirms or rejects it
    member_match: Literal["suggested", "confirmed", "rejected"] | None
    elected_office: str


class AllegationOut(Schema):
    id: int
    category: str
    summary: str
    occurred_on: dt.date | None
    source: str


class RedactionWithdrawalOut(Schema):
    by: Person
    at: dt.datetime
    reason: str


class RedactionOut(Schema):
    id: int
    allegation: int
    passage: str
    reason: str
    marked_by: Person
    marked_at: dt.datetime
    withdrawn: RedactionWithdrawalOut | None  # null while the passage is withheld


class NoteOut(Schema):
    id: int
    author: Person
    body: str
    created_at: dt.datetime


class WithholdingOut(Schema):
    id: int  # the withholding's id: what ends it (``releaseEvidence``)
    by: Person
    at: dt.datetime
    reason: str


class EvidenceOut(Schema):
    id: int
    title: str
    kind: str
    description: str
    sha256: str
    size_bytes: int | None
    received_at: dt.datetime
    added_by: Person
    withheld: WithholdingOut | None  # null unless withheld from the respondent now


class InterviewOut(Schema):
    id: int
    interviewee: str
    interviewer: Person
    held_at: dt.datetime
    statement: str
    statement_agreed: bool


class ConsentOut(Schema):
    id: int
    person: str
    purpose: str
    scope: str
    given_at: dt.datetime
    interview: int | None
    recorded_by: Person


class AssignmentOut(Schema):
    id: int
    person: Person
    role: str
    assigned_at: dt.datetime
    ended_at: dt.datetime | None
    end_reason: str


class MeasureOut(Schema):
    id: int
    kind: str
    ground: str
    reasons: str
    imposed_by: Person
    imposed_at: dt.datetime
    review_on: dt.date
    active: bool
    lifted_at: dt.datetime | None
    lift_reason: str


class RecommendationOut(Schema):
    number: int
    author: Person
    finding: str
    sanctions: list[str]
    factors: list[str]
    reasons: str
    submitted_at: dt.datetime
    supersedes: int | None


class VoteOut(Schema):
    member: Person
    concurs: bool
    reasons: str  # a dissent's reasons; "" for a concurrence


class SealedDecisionOut(Schema):
    id: int
    recorded_at: dt.datetime


class DecisionOut(Schema):
    id: int
    kind: str
    transition: str
    finding: str
    sanctions: list[str]
    ground: str
    reasons: str
    recommendation: int | None
    departs: bool
    direction: str
    outside_guideline: bool
    decided_by: Person
    decided_at: dt.datetime
    warning_expires_on: dt.date | None
    votes: list[VoteOut]  # each member's concurrence or dissent, where the rules constitute it
    sealed: bool  # recorded provisional and sealed (shown only to its panel until announced)
    announced_at: dt.datetime | None  # when a sealed decision was announced


class RecusalOut(Schema):
    person: Person
    source: str
    reason: str
    recorded_at: dt.datetime


class ApproachOut(Schema):
    id: int
    approached_by: str
    from_political_office: bool
    channel: str
    occurred_at: dt.datetime
    what_was_asked: str
    direction: str
    logged_by: Person
    logged_at: dt.datetime


class AdviceRequestOut(Schema):
    id: int
    requested_by: Person
    adviser: Person
    question: str
    extract: str
    requested_at: dt.datetime
    answer: str
    answered_at: dt.datetime | None
    closed_at: dt.datetime | None


class StepOut(Schema):
    key: str
    label: str
    kind: str
    target: str
    reasons: str
    endpoint: str


class HistoryOut(Schema):
    from_stage: str
    to_stage: str
    transition: str
    by: Person | None
    reason: str
    at: dt.datetime


class DuplicateOut(Schema):
    reference: str
    stage: str
    closed: bool
    summary: str
    reason: str  # "the same member of the register; allegations 67% alike"


class CaseDetail(CaseState):
    unit: str
    category_label: str
    summary: str
    source: str
    acknowledge_by: dt.date
    acknowledged_at: dt.datetime | None
    feedback_by: dt.date
    overdue: bool
    viewer_role: str
    parties: list[PartyOut]
    allegations: list[AllegationOut]
    assignments: list[AssignmentOut]
    interim_measures: list[MeasureOut]
    recommendations: list[RecommendationOut]
    decisions: list[DecisionOut]
    notes: list[NoteOut]
    evidence: list[EvidenceOut]
    interviews: list[InterviewOut]
    consents: list[ConsentOut]
    history: list[HistoryOut]
    steps: list[StepOut]
    #: the case this one repeats: its reference, "" if the viewer may not open it, null if it
    #: is no duplicate
    duplicate_of: str | None
    #: the cases closed as duplicates of this one that the viewer may see
    repeated_by: list[str]
    #: while the case awaits triage: earlier cases it may repeat
    possible_duplicates: list[DuplicateOut]
    # sealed decisions kept from this reader: only that each exists and when it was recorded
    sealed_decisions: list[SealedDecisionOut]


class AdviceInboxItemOut(Schema):
    id: int
    requested_by: str
    requested_at: dt.datetime
    answered: bool


class AdviceBriefOut(Schema):
    id: int
    requested_by: str
    requested_at: dt.datetime
    question: str
    extract: str
    answer: str
    answered_at: dt.datetime | None


class AdviceAnswerOut(Schema):
    id: int
    answer: str
    answered_at: dt.datetime


class SignOffItemOut(Schema):
    id: int
    label: str
    requested_at: dt.datetime
    due_on: dt.date
    delayed: bool


class SignOffBriefOut(SignOffItemOut):
    brief: str


class SignOffOut(Schema):
    id: int
    label: str
    status: str
    reasons: str
    delay_reasons: str
    answered_late: bool
    recorded_at: dt.datetime


class EmergencyAccessOut(Schema):
    id: int
    reference: str
    requester: Person
    reason: str
    requested_at: dt.datetime
    status: Literal["pending", "approved", "refused"]
    decided_by: Person | None
    approved_at: dt.datetime | None
    expires_at: dt.datetime | None
    refused_at: dt.datetime | None


class EmergencyBoardOut(Schema):
    may_approve: bool
    awaiting: list[EmergencyAccessOut]
    mine: list[EmergencyAccessOut]


class TokenOut(Schema):
    name: str
    prefix: str
    scopes: list[str]
    created_at: dt.datetime
    expires_at: dt.datetime


class MeOut(Schema):
    email: str
    name: str
    organisation: str | None
    roles: list[str]
    token: TokenOut


class DigestOut(Schema):
    on: bool
    email: str
    changed_at: dt.datetime | None


class MemberOut(Schema):
    number: str
    full_name: str
    email: str
    postcode: str
    status: str
    joined_on: dt.date | None
    elected_office: str


class MemberPageOut(Schema):
    items: list[MemberOut]
    next_after: int | None


class CandidateOut(Schema):
    member: MemberOut
    score: float
    reasons: list[str]


class ImportOut(Schema):
    created: int
    updated: int
    unchanged: int
    rows: int


class DossierRowOut(Schema):
    row: int  # 1 = the first row after the header
    status: Literal["new", "created", "already", "error"]
    reference: str  # the case the row opened, or was already imported as
    errors: dict[str, str]  # field -> what is wrong with it
    member: str  # the number of the member taken to be the respondent, if any
    score: float | None
    reason: str  # why the respondent is (or is not) taken to be that member
    is_member: bool | None
    repeats: str  # the earlier complaint it may repeat: "row 3", "case C-2026-00004", ""
    repeat_reason: str


class DossierOut(Schema):
    id: int | None  # None for a preview
    sha256: str
    rows: int
    created: int
    new: int  # in a preview: the cases the import would open
    already: int
    errors: int
    respondents: int
    non_members: int
    summary: str
    duplicates: int  # rows that may repeat an earlier row or an existing case
    duplicates_summary: str  # "20 rows repeat an earlier complaint: row 17 repeats row 3, …"
    items: list[DossierRowOut]


class PartyAccessOut(Schema):
    id: int
    role: Literal["complainant", "respondent"]
    active: bool


class MessageOut(Schema):
    id: int
    party: int  # the id of the party's way in
    party_role: Literal["complainant", "respondent"]
    direction: Literal["from_party", "to_party"]
    body: str
    author: Person | None  # the member of staff, for a message to the party
    sent_at: dt.datetime
    read_by_party_at: dt.datetime | None


class ThreadOut(Schema):
    parties: list[PartyAccessOut]
    messages: list[MessageOut]


class PartyFileOut(Schema):
    id: int
    party: int  # the id of the party's way in it came by
    party_role: Literal["complainant", "respondent"]
    filename: str  # the name it is downloaded under (the party's own is not kept)
    media_type: str  # detected from the content on receipt
    size_bytes: int
    sha256: str
    received_at: dt.datetime
    message: int  # the message it came with, in the thread (``listMessages``)
    note: str  # that message's words


class SeenOut(Schema):
    """How often the party saw something, first and last (``null`` while never)."""

    count: int
    first: dt.datetime | None
    last: dt.datetime | None


class SentLetterOut(Schema):
    id: int
    subject: str
    template: str
    status: Literal["queued", "sending", "sent", "bounced", "failed", "post"]
    written_at: dt.datetime
    sent_at: dt.datetime | None
    downloaded: SeenOut  # by the party, through their own page


class SentMessageOut(Schema):
    id: int
    sent_at: dt.datetime
    read_at: dt.datetime | None


class PartySeenOut(Schema):
    id: int  # the id of the party's way in, as in listMessages
    role: Literal["complainant", "respondent"]
    active: bool
    issued_at: dt.datetime
    revoked_at: dt.datetime | None
    letters: list[SentLetterOut]
    messages: list[SentMessageOut]
    visits: SeenOut
    allegations: SeenOut
    outcome: SeenOut
    letters_downloaded: SeenOut


class PartiesSeenOut(Schema):
    parties: list[PartySeenOut]


class SummaryReviewOut(Schema):
    verdict: Literal["approved", "returned"]
    reason: str
    by: Person
    at: dt.datetime


class SummaryVersionOut(Schema):
    version: int
    text: str
    written_by: Person
    written_at: dt.datetime
    review: SummaryReviewOut | None


class SummaryDecisionOut(Schema):
    kind: Literal["panel", "appeal"]
    decided_at: dt.datetime


class SummaryOut(Schema):
    status: Literal["none", "pending", "returned", "approved"]
    open: bool  # decided and past the decision phase: a summary may be written
    decision: SummaryDecisionOut | None
    versions: list[SummaryVersionOut]


class AdjournmentOut(Schema):
    id: int
    reason: str
    starts_at: dt.datetime  # the new date
    place: str  # "" when the place did not change
    short_notice_agreement: str
    by: Person
    at: dt.datetime


class HearingRecordOut(Schema):
    held_at: dt.datetime
    respondent_attended: bool
    representation: str  # "" for none
    account: str
    outcome: str
    recording_made: bool
    others_present: list[str]  # anyone else present, by name
    recorded_by: Person
    recorded_at: dt.datetime


class HearingConsentOut(Schema):
    id: int
    person: str
    answer: Literal["given", "refused", "withdrawn"]  # the latest per person counts
    scope: str
    given_at: dt.datetime
    recorded_by: Person
    recorded_at: dt.datetime


class HearingNoticeOut(Schema):
    letter: int
    trigger: Literal["hearing_scheduled", "hearing_adjourned"]
    recipient_role: str
    status: str
    at: dt.datetime


class HearingOut(Schema):
    id: int
    status: Literal["scheduled", "held"]
    starts_at: dt.datetime  # as it stands now (after any adjournment)
    first_starts_at: dt.datetime  # as first noticed
    place: str
    panel: list[Person]
    scheduled_by: Person
    scheduled_at: dt.datetime
    short_notice_agreement: str
    adjournments: list[AdjournmentOut]
    record: HearingRecordOut | None
    consents: list[HearingConsentOut]  # answers to the recording of this hearing, oldest first


class HearingsOut(Schema):
    stage: str  # the stage at which the rulebook holds hearings ("" for none)
    notice_days: int
    recordings_allowed: bool
    at_stage: bool  # the case is at that stage now
    hearings: list[HearingOut]
    notices: list[HearingNoticeOut]


class PanelSeatOut(Schema):
    key: str
    label: str
    count: int
    training: str  # the course a member needs for the seat; "" for any current training


class StagePanelOut(Schema):
    stages: list[str]
    selection: Literal["draw", "appoint"]
    quorum: int
    seats: list[PanelSeatOut]  # the chair's first


class PanelMemberOut(Schema):
    seat: str
    chair: bool
    person: Person
    key: str  # the stable key the draw ranks them by (their ledger pseudonym)


class PanelOut(Schema):
    id: int
    stage: str
    method: Literal["drawn", "appointed"]
    reason: str  # why it was appointed by name; "" for a draw
    checkpoint_size: int | None  # the draw's inputs (None and "" when appointed)
    checkpoint_root: str
    seed: str
    pool: dict[str, list[str]]
    members: list[PanelMemberOut]
    constituted_by: Person
    constituted_at: dt.datetime
    same_panel: bool | None  # the draw run again gives these members; None when appointed


class PanelsOut(Schema):
    rules: StagePanelOut | None  # the rulebook's panel for the case's stage now
    panels: list[PanelOut]


class LetterOut(Schema):
    id: int
    template: str
    trigger: str
    subject: str
    recipient_role: str
    recipient: str  # the party's pseudonym, as in the ledger
    status: Literal["queued", "sending", "sent", "bounced", "failed", "post"]
    content_sha256: str
    message_id: str
    attempts: int
    created_at: dt.datetime
    sent_at: dt.datetime | None
    bounced_at: dt.datetime | None
    pdf: str


class FeedbackOut(Schema):
    id: int
    text: str
    by: Person
    at: dt.datetime


class NoticeOut(Schema):
    reference: str
    kind: Literal["reminder", "escalation"]
    deadline: str
    due_on: dt.date
    text: str
    created_at: dt.datetime


class AppealOut(Schema):
    id: int
    ground: str  # the rulebook's key for the ground of appeal
    ground_label: str
    statement: str
    lodged_by: str
    lodged_at: dt.datetime
    window_closes_on: dt.date | None  # the last day of the appeal window when it was lodged
    against: int  # the decision under appeal
    against_summary: str
    result: Literal["", "confirmed", "replaced"]  # "" while the appeal is open
    reasons: str  # the new panel's reasons
    decision: int | None  # the appeal decision, once made
    decided_at: dt.datetime | None


class ReviewOut(Schema):
    id: int
    decision: int  # the decision reviewed
    decision_summary: str
    stage: str  # the stage the decision was taken at (a veto returns the case there)
    stage_label: str
    opened_at: dt.datetime
    due_on: dt.date  # the last day of the review period
    reviewers: list[str]  # the independent reviewers drawn
    status: Literal["pending", "held", "verified", "vetoed", "lapsed"]
    in_effect: bool  # the decision has taken effect (verified, or lapsed under takes_effect)
    reasons: str  # the veto's reasons
    decided_by: str
    decided_at: dt.datetime | None


class ReviewsOut(Schema):
    declared: bool  # the rulebook declares independent review ([review])
    review_days: int
    on_lapse: Literal["takes_effect", "held"]
    open_review: int | None
    reviews: list[ReviewOut]


class AppealGroundOut(Schema):
    key: str
    label: str


class AppealsOut(Schema):
    declared: bool  # the rulebook declares appeals ([appeals])
    step: str  # the rulebook step that lodges one
    grounds: list[AppealGroundOut]
    window_closes_on: dt.date | None  # the window of the case's stage now, if it has one
    open_appeal: int | None
    appeals: list[AppealOut]
