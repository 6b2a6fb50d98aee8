"""What a party does, and what staff do towards a party: file a complaint on the public form,
come back with the receipt, read their case's status, and exchange messages with the team.

Every act and every read of a party is recorded under the party's pseudonym
(``ledger.record.party_pseudonym`` of their ``PartyAccess``), in the same transaction; a read
is committed before anything is returned (log before reveal).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.db import transaction

from dueprocess.access import policy as p
from dueprocess.access.enforcement import recorded_denials
from dueprocess.access.rules import require
from dueprocess.cases.models import Case, Party
from dueprocess.cases.services import AllegationInput, PartyInput, case_open
from dueprocess.cases.services.common import clean_text, lock_case
from dueprocess.errors import InvalidInput, NotFound
from dueprocess.ledger.record import record
from dueprocess.lib import clock
from dueprocess.parties import receipts
from dueprocess.parties.models import Message, PartyAccess, WrittenResponse

if TYPE_CHECKING:
    from dueprocess.accounts.models import Unit, User

MESSAGE_LIMIT = 5000
#: The message a file sent with the complaint carries.
ATTACHED = "Sent with the complaint."
REPORT_LIMIT = 10000


F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class PublicReport:
    """What the public form asks for."""

    unit: Unit
    category: str
    what_happened: str
    occurred_on: dt.date | None
    respondent_name: str
    respondent_details: str
    anonymous: bool
    name: str
    email: str
    consent_to_contact: bool
    idempotency_key: str
    attachment: bytes | None = None  # a file sent with the complaint, checked as evidence is


@dataclass(frozen=True)
class Filed:
    """The case a report opened, and its receipt — which exists only here, once: a repeated
    submission of the same form returns the same case with ``receipt`` None."""

    case: Case
    receipt: str | None


def report_file(*, report: PublicReport) -> Filed:
    """Open a case from the public form (through ``case_open``, source "public") and issue the
    complainant's receipt. A file sent with the complaint goes with it as the party's first
    file (``parties.files``), in the same transaction: a refused file opens no case."""
    _check_report(report)
    with transaction.atomic():
        case = case_open(
            actor=None,
            unit=report.unit,
            category=report.category,
            summary=report.what_happened,
            complainant=PartyInput(
                name="" if report.anonymous else report.name,
                email=report.email,
                anonymous=report.anonymous,
            ),
            respondent=PartyInput(name=report.respondent_name),
            allegations=[
                AllegationInput(
                    summary=report.what_happened,
                    occurred_on=report.occurred_on,
                    source=report.respondent_details,
                )
            ],
            source=Case.Source.PUBLIC,
            idempotency_key=report.idempotency_key,
        )
        if PartyAccess.objects.filter(case=case, role=PartyAccess.Role.COMPLAINANT).exists():
            return Filed(case=case, receipt=None)  # the same form sent again: no second case
        complainant = Party.objects.get(case=case, role=Party.Role.COMPLAINANT)
        receipt, digest = fresh_receipt()
        access = PartyAccess.objects.create(
            case=case,
            party=complainant,
            role=PartyAccess.Role.COMPLAINANT,
            receipt_digest=digest,
            consent_to_contact=report.consent_to_contact,
            issued_at=clock.now(),
        )
        record(
            actor=None,
            party_access_id=access.pk,
            action="party.report_filed",
            case=case,
            role=PartyAccess.Role.COMPLAINANT,
            details={
                "anonymous": report.anonymous,
                "consent_to_contact": report.consent_to_contact,
                "contact_given": bool(report.email),
            },
        )
        if report.attachment is not None:
            from dueprocess.parties.files import party_file_send  # it builds on this module

            party_file_send(access=access, content=report.attachment, note=ATTACHED)
    return Filed(case=case, receipt=receipt)


def _check_report(report: PublicReport) -> None:
    if report.anonymous and report.name.strip():
        raise InvalidInput(
            "You asked to stay anonymous but gave your name.",
            fields={"name": "Leave this empty to stay anonymous, or untick 'anonymous'."},
        )
    if not report.anonymous and not report.name.strip():
        raise InvalidInput(
            "Give your name, or choose to stay anonymous.",
            fields={"name": "Required unless you stay anonymous."},
        )
    if report.consent_to_contact and not report.email.strip():
        raise InvalidInput(
            "To be contacted, give an e-mail address.",
            fields={"email": "Required if you agree to be contacted."},
        )
    if report.occurred_on is not None and report.occurred_on > clock.today():
        raise InvalidInput(
            "The date it happened is in the future.", fields={"occurred_on": "Not in the future."}
        )
    clean_text(report.what_happened, "what_happened", limit=REPORT_LIMIT)
    clean_text(report.respondent_details, "respondent_details", required=False, limit=500)


def fresh_receipt() -> tuple[str, str]:
    """A new receipt no way in holds yet, and its digest: the receipt exists only here."""
    for _ in range(5):  # 10^16 receipts: a collision is astronomically unlikely, but checked
        receipt = receipts.new_receipt()
        digest = receipts.digest(receipt)
        if not PartyAccess.objects.filter(receipt_digest=digest).exists():
            return receipt, digest
    raise RuntimeError("could not draw an unused receipt")  # pragma: no cover


def receipt_open(*, typed: str, address: str) -> PartyAccess | None:
    """The (active) way in the typed receipt opens, or None — recorded as
    ``party.receipt_failed``. A malformed receipt, an unknown one and a revoked one are
    answered alike, and each costs one full argon2id."""
    digits = receipts.normalised(typed)
    digest = receipts.digest(digits or "0" * receipts.DIGITS)
    access = None
    if digits is not None:
        access = (
            PartyAccess.objects.select_related("case")
            .filter(receipt_digest=digest, revoked_at__isnull=True)
            .first()
        )
    if access is None:
        receipt_failed(address=address, why="no match")
    return access


def receipt_failed(*, address: str, why: str) -> None:
    """A receipt that opened nothing, or an attempt refused by the rate limit: on the record,
    with no actor (nobody has proven who they are)."""
    with transaction.atomic():
        record(
            actor=None,
            action="party.receipt_failed",
            role="unauthenticated",
            details={"why": why, "address": address},
        )


def report_refused(*, address: str) -> None:
    """A complaint refused by the rate limit (nothing was opened): on the record too."""
    with transaction.atomic():
        record(
            actor=None,
            action="party.report_refused",
            role="unauthenticated",
            details={"why": "rate limited", "address": address},
        )


def access_by_id(access_id: object) -> PartyAccess | None:
    """The active way in a party's session names, or None."""
    if not isinstance(access_id, int):
        return None
    return (
        PartyAccess.objects.select_related("case", "case__rulebook", "party")
        .filter(pk=access_id, revoked_at__isnull=True)
        .first()
    )


def _party_facts(access: PartyAccess, case: Case) -> p.PartyFacts:
    relation = {
        PartyAccess.Role.COMPLAINANT: p.COMPLAINANT_OF_CASE,
        PartyAccess.Role.RESPONDENT: p.RESPONDENT_OF_CASE,
    }[PartyAccess.Role(access.role)]
    relations = frozenset({relation}) if access.case_id == case.pk else frozenset()
    return p.PartyFacts(active=access.active, relations=relations)


class PartyDenied(Exception):
    """A party's attempt the policy refused, raised inside a service's transaction and recorded
    by ``recorded_party_denials`` once that transaction has rolled back (a record written inside
    it would be rolled back with it). Not a ``DomainError``: nothing may catch it unrecorded."""

    def __init__(self, *, access: PartyAccess, case: Case, action: str, reason: str) -> None:
        super().__init__(reason)
        self.access_id = access.pk
        self.role = access.role
        self.case_id = case.pk
        self.action = action
        self.reason = reason


def recorded_party_denials(func: F) -> F:
    """Record a party's refused attempt (``access.denied`` under their pseudonym) after the
    service's transaction has rolled back, then answer it as a missing case."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except PartyDenied as denied:
            with transaction.atomic():
                record(
                    actor=None,
                    party_access_id=denied.access_id,
                    action="access.denied",
                    case_id=denied.case_id,
                    role=denied.role,
                    details={"attempted": denied.action, "reason": denied.reason},
                )
            raise NotFound("No such case.") from None

    return cast(F, wrapper)


def require_party(access: PartyAccess, case: Case, action: str) -> p.Verdict:
    """The party gate: the policy's ``decide_party``. A refusal raises ``PartyDenied``; the
    service's ``recorded_party_denials`` records it under the party's pseudonym and answers 404."""
    verdict = p.decide_party(_party_facts(access, case), action)
    if not verdict.allowed:
        raise PartyDenied(access=access, case=case, action=action, reason=verdict.reason)
    return verdict


@dataclass(frozen=True)
class Deadline:
    label: str
    due: dt.date
    met_on: dt.date | None

    @property
    def state(self) -> str:
        if self.met_on is not None:
            return "met" if self.met_on <= self.due else "missed"
        return "overdue" if clock.today() > self.due else "pending"


@dataclass(frozen=True)
class PartyStatus:
    case: Case
    role: str
    stage_words: str
    deadlines: list[Deadline]
    messages: list[Message]
    outcome: str
    #: The respondent's own steps open now (a hearing request, an appeal in its window).
    steps: list[PartyStep] = field(default_factory=list)


@recorded_party_denials
def status_for(*, access: PartyAccess) -> PartyStatus:
    """The party's own case: stage, deadlines, messages. The read (and each first read of a
    message from the team, and the outcome once it is shown) is committed to the ledger before
    anything is returned."""
    with transaction.atomic():
        case = lock_case(access.case)
        verdict = require_party(access, case, "party.view")
        record(
            actor=None,
            party_access_id=access.pk,
            action="party.case_viewed",
            case=case,
            role=verdict.role,
            details={"stage": case.stage},
        )
        outcome = _outcome(case)
        if outcome:  # what the party was told, and when, is read back by ``parties.seen``
            record(
                actor=None,
                party_access_id=access.pk,
                action="party.outcome_viewed",
                case=case,
                role=verdict.role,
                details={"stage": case.stage},
            )
        now = clock.now()
        unread = Message.objects.filter(
            access=access, direction=Message.Direction.TO_PARTY, read_by_party_at__isnull=True
        )
        for message in unread:
            message.read_by_party_at = now
            message.save(update_fields=["read_by_party_at"])
            record(
                actor=None,
                party_access_id=access.pk,
                action="party.message_read",
                case=case,
                role=verdict.role,
                details={"message": message.pk},
            )
    return PartyStatus(
        case=case,
        role=access.role,
        stage_words=_stage_words(case),
        deadlines=_deadlines(case) if access.role == PartyAccess.Role.COMPLAINANT else _due(access),
        messages=list(Message.objects.filter(access=access).select_related("author", "file")),
        outcome=outcome,
        steps=party_steps_open(access=access, case=case),
    )


def _stage_words(case: Case) -> str:
    """The rulebook's words for the parties (``[parties.stage_words]``, one per stage: the
    loader refuses a rulebook that leaves a stage without them)."""
    return case.rulebook.rules.parties.stage_words[case.stage]


def _deadlines(case: Case) -> list[Deadline]:
    first_reply = (
        Message.objects.filter(case=case, direction=Message.Direction.TO_PARTY)
        .order_by("sent_at")
        .values_list("sent_at", flat=True)
        .first()
    )
    acknowledged = first_reply.date() if first_reply else None
    decided = case.closed_at.date() if case.closed_at else None
    return [
        Deadline("Acknowledgement of your complaint", case.acknowledge_by, acknowledged),
        Deadline("Feedback on what is being done", case.feedback_by, decided),
    ]


def _due(access: PartyAccess) -> list[Deadline]:
    if access.respond_by is None:
        return []
    response = WrittenResponse.objects.filter(access=access).first()
    sent = response.submitted_at.date() if response else None
    return [Deadline("Your written response to the allegations", access.respond_by, sent)]


def _outcome(case: Case) -> str:
    """The outcome, once the parties have been notified (never before)."""
    rules = case.rulebook.rules
    stage = rules.stages.get(case.stage)
    notified = stage is not None and stage.phase in ("after_decision", "closed")
    if not notified or case.stage == "decided":
        return ""
    decision = case.decisions.order_by("-pk").first()
    if decision is None:
        return "Closed without a decision on the complaint."
    finding = decision.get_finding_display()
    labels = [rules.sanctions[s].label for s in decision.sanctions if s in rules.sanctions]
    return f"{finding}." + (f" Sanction: {', '.join(labels)}." if labels else "")


def _body_digest(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


@recorded_party_denials
def party_message_send(*, access: PartyAccess, body: str) -> Message:
    """A party writes to the case team."""
    with transaction.atomic():
        case = lock_case(access.case)
        verdict = require_party(access, case, "party.message")
        text = clean_text(body, "body", limit=MESSAGE_LIMIT)
        message = Message.objects.create(
            case=case,
            access=access,
            direction=Message.Direction.FROM_PARTY,
            body=text,
            sent_at=clock.now(),
        )
        record(
            actor=None,
            party_access_id=access.pk,
            action="party.message_sent",
            case=case,
            role=verdict.role,
            details={"message": message.pk, "sha256": _body_digest(text)},
        )
        return message


@recorded_denials
def staff_message_send(*, actor: User, case: Case, access_id: int, body: str) -> Message:
    """A member of the case team writes to a party of the case. Who may: whoever may add a
    note to the case (``case.note``)."""
    with transaction.atomic():
        case = lock_case(case)
        require(actor, "case.view", case)
        decision = require(actor, "case.note", case)
        access = PartyAccess.objects.filter(pk=access_id, case=case).first()
        if access is None:
            raise InvalidInput(
                "That party has no way in to this case.", fields={"access": "Choose a party."}
            )
        text = clean_text(body, "body", limit=MESSAGE_LIMIT)
        message = Message.objects.create(
            case=case,
            access=access,
            direction=Message.Direction.TO_PARTY,
            author=actor,
            body=text,
            sent_at=clock.now(),
        )
        record(
            actor=actor,
            action="case.message_sent",
            case=case,
            role=decision.role,
            details={"message": message.pk, "to": access.role, "sha256": _body_digest(text)},
        )
        return message


def thread_for_case(case: Case) -> tuple[list[PartyAccess], list[Message]]:
    """The parties' ways in and the messages of a case, for a page that has already recorded
    its read of the case (the staff case page)."""
    accesses = list(PartyAccess.objects.filter(case=case).select_related("party"))
    messages = list(Message.objects.filter(case=case).select_related("author", "access", "file"))
    return accesses, messages


def party_choices(case: Case) -> list[tuple[int, str]]:
    """Whom the case team can write to: each party with a way in to the case."""
    return [
        (access.pk, f"The {access.get_role_display().lower()}")
        for access in PartyAccess.objects.filter(case=case, revoked_at__isnull=True).order_by("pk")
    ]


@dataclass(frozen=True)
class Notice:
    access: PartyAccess
    sent_to: str


@recorded_denials
def respondent_notify(*, actor: User, case: Case, email: str = "") -> Notice:
    """Send the respondent notice of the allegations, with a personal access code (16 digits,
    the same kind as a receipt) by e-mail — never a password — and a date to answer by (the
    rulebook's ``[parties] response_days`` from today). A new
    notice withdraws the code of an earlier one. Who may: whoever may add a note to the case."""
    with transaction.atomic():
        case = lock_case(case)
        require(actor, "case.view", case)
        decision = require(actor, "case.note", case)
        respondent = Party.objects.filter(case=case, role=Party.Role.RESPONDENT).first()
        if respondent is None:  # pragma: no cover - every case names a respondent
            raise InvalidInput("This case names no respondent.", fields={"email": "No one."})
        address = _valid_email(email or respondent.email)
        now = clock.now()
        for earlier in PartyAccess.objects.filter(
            case=case, role=PartyAccess.Role.RESPONDENT, revoked_at__isnull=True
        ):  # each saved on its own, so that the ledger's state commitment sees it
            earlier.revoked_at = now
            earlier.save(update_fields=["revoked_at"])
        code, digest = fresh_receipt()
        access = PartyAccess.objects.create(
            case=case,
            party=respondent,
            role=PartyAccess.Role.RESPONDENT,
            receipt_digest=digest,
            consent_to_contact=True,
            issued_at=now,
            respond_by=now.date() + dt.timedelta(days=case.rulebook.rules.parties.response_days),
        )
        record(
            actor=actor,
            action="case.respondent_notified",
            case=case,
            role=decision.role,
            details={"access": access.pk, "respond_by": str(access.respond_by), "by": "e-mail"},
        )
        transaction.on_commit(lambda: _mail_notice(case, access, address, code))
        return Notice(access=access, sent_to=address)


def _valid_email(value: str) -> str:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    address = value.strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        raise InvalidInput(
            "The notice goes by e-mail: give the respondent's address.",
            fields={"email": "A valid e-mail address is required."},
        ) from None
    return address


def _mail_notice(case: Case, access: PartyAccess, address: str, code: str) -> None:
    from django.core.mail import send_mail

    organisation = case.organisation.name
    body = (
        f"{organisation} has received a complaint about you and must tell you what is "
        "alleged before anything is decided.\n\n"
        f"Your personal access code: {receipts.grouped(code)}\n\n"
        "Type it on the complaints site's page 'Follow your complaint' (/receipt/) to read the "
        "allegations, write to the case team, and send your written response by "
        f"{access.respond_by:%d %B %Y}.\n\n"
        "Keep the code safe: only a one-way hash of it is kept, so it cannot be sent again; "
        "ask the case team for a new notice if you lose it."
    )
    send_mail(f"{organisation}: notice of a complaint about you", body, None, [address])


@recorded_party_denials
def response_submit(*, access: PartyAccess, body: str) -> WrittenResponse:
    """The respondent's written response, once, by the date in the notice."""
    with transaction.atomic():
        case = lock_case(access.case)
        verdict = require_party(access, case, "party.respond")
        if WrittenResponse.objects.filter(access=access).exists():
            raise InvalidInput(
                "Your written response was already received; add to it by message.",
                fields={"body": "Already received."},
            )
        if access.respond_by is not None and clock.today() > access.respond_by:
            raise InvalidInput(
                f"The date for a written response was {access.respond_by:%d %B %Y}; write to "
                "the case team by message instead.",
                fields={"body": "Past the date in your notice."},
            )
        text = clean_text(body, "body", limit=REPORT_LIMIT)
        response = WrittenResponse.objects.create(
            case=case, access=access, body=text, submitted_at=clock.now()
        )
        record(
            actor=None,
            party_access_id=access.pk,
            action="party.response_submitted",
            case=case,
            role=verdict.role,
            details={"response": response.pk, "sha256": _body_digest(text)},
        )
        return response


@dataclass(frozen=True)
class Allegations:
    """What the respondent is told: the allegations, and who complains unless withheld."""

    complainant: str
    items: list[tuple[str, dt.date | None]]
    respond_by: dt.date | None
    response: WrittenResponse | None


@recorded_party_denials
def allegations_for(*, access: PartyAccess) -> Allegations:
    """The notice of allegations as the respondent reads it (recorded before it is shown)."""
    with transaction.atomic():
        case = lock_case(access.case)
        verdict = require_party(access, case, "party.allegations")
        record(
            actor=None,
            party_access_id=access.pk,
            action="party.allegations_viewed",
            case=case,
            role=verdict.role,
            details={"allegations": case.allegations.count()},
        )
    complainant = Party.objects.filter(case=case, role=Party.Role.COMPLAINANT).first()
    shown = complainant.display_name if complainant and not complainant.anonymous else ""
    from dueprocess.parties.redactions import passages_withheld, redacted

    marked = passages_withheld(case)
    return Allegations(
        complainant=shown or "Withheld: the complaint was made anonymously",
        items=[
            (redacted(a.summary, marked.get(a.pk, [])), a.occurred_on)
            for a in case.allegations.order_by("pk")
        ],
        respond_by=access.respond_by,
        response=WrittenResponse.objects.filter(access=access).first(),
    )


def responses_for_case(case: Case) -> list[WrittenResponse]:
    """The respondents' written responses, for a page that has recorded its read of the case."""
    return list(WrittenResponse.objects.filter(case=case).order_by("submitted_at"))


#: The respondent's own steps: which ``[parties]`` key names the rulebook's step, the gate's
#: action, and the words for a refusal.
PARTY_STEPS = {
    "hearing_request": ("party.request_hearing", "a request for a hearing"),
    "appeal": ("party.appeal", "an appeal"),
}


@dataclass(frozen=True)
class PartyStep:
    """A step the respondent may take now from their own view, and until when."""

    kind: str
    label: str
    until: dt.date | None


def party_steps_open(*, access: PartyAccess, case: Case) -> list[PartyStep]:
    """The respondent's own steps (hearing request, appeal) that can be taken now: the
    rulebook names them, the case is at a stage they start from, they were not taken before
    where the rulebook allows them once, and an appeal's window is still open."""
    if access.role != PartyAccess.Role.RESPONDENT or not access.active:
        return []
    from dueprocess.cases.services.common import taken_steps

    rules = case.rulebook.rules
    taken = taken_steps(case)
    open_steps = []
    for kind in PARTY_STEPS:
        key = getattr(rules.parties, kind)
        step = rules.transitions.get(key) if key else None
        if step is None or case.stage not in step.sources or (step.once and key in taken):
            continue
        until = case.stage_due_on if rules.stages[case.stage].window else None
        if kind == "appeal" and (until is None or clock.today() > until):
            continue
        open_steps.append(PartyStep(kind=kind, label=step.label, until=until))
    return open_steps


@recorded_party_denials
def party_step_take(*, access: PartyAccess, kind: str, reason: str, ground: str = "") -> Case:
    """The respondent asks for a hearing or lodges an appeal themself, through the same step
    staff take for a request on paper (``take_move``), recorded under the party's pseudonym.
    An appeal is refused once the rulebook's appeal window has closed."""
    from dueprocess.cases.services.transitions import take_move

    if kind not in PARTY_STEPS:
        raise InvalidInput("No such request.", fields={"kind": "Choose a request."})
    action, words = PARTY_STEPS[kind]
    with transaction.atomic():
        case = lock_case(access.case)
        verdict = require_party(access, case, action)
        key = getattr(case.rulebook.rules.parties, kind)
        if not key:
            raise InvalidInput(
                f"The rules of this procedure do not provide for {words} by the respondent.",
                fields={"reason": "Not available."},
            )
        if kind not in {s.kind for s in party_steps_open(access=access, case=case)}:
            raise InvalidInput(
                f"{words.capitalize()} cannot be made at this stage of the case"
                + (" (the appeal window has closed)." if kind == "appeal" else "."),
                fields={"reason": "Not available now."},
            )
        text = clean_text(reason, "reason")
        if kind == "appeal" and case.rulebook.rules.appeals.declared:
            from dueprocess.cases.services.appeals import party_appeal

            party_appeal(case, access=access, ground=ground, statement=text)
        take_move(
            case,
            transition=key,
            reason=text,
            actor=None,
            role=verdict.role,
            party_access_id=access.pk,
        )
        return case
