"""Opening a case: the complaint, its parties and allegations, a reference, the deadlines."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from dueprocess.access.enforcement import recorded_denials
from dueprocess.access.rules import require, require_open_in
from dueprocess.cases.models import Allegation, Case, Party, ReferenceCounter, StatusChange
from dueprocess.cases.services.common import clean_text
from dueprocess.errors import IdempotencyKeyReused, InvalidInput
from dueprocess.ledger.record import record
from dueprocess.lib import clock
from dueprocess.members.models import Member

if TYPE_CHECKING:
    from dueprocess.accounts.models import Organisation, Unit, User


@dataclass(frozen=True)
class PartyInput:
    name: str = ""
    email: str = ""
    member_number: str = ""
    anonymous: bool = False
    elected_office: str = ""


@dataclass(frozen=True)
class AllegationInput:
    summary: str
    occurred_on: dt.date | None = None
    source: str = ""
    category: str = ""
    extra: dict[str, str] = field(default_factory=dict)


#: The ledger role of a case opened through the public form, by nobody signed in.
PUBLIC_ROLE = "public"


@recorded_denials
def case_open(
    *,
    actor: User | None,
    unit: Unit,
    category: str,
    summary: str,
    complainant: PartyInput,
    respondent: PartyInput,
    allegations: Sequence[AllegationInput] = (),
    source: str = Case.Source.WEB,
    received_at: dt.datetime | None = None,
    idempotency_key: str | None = None,
) -> Case:
    """Open a case in ``unit``; repeating the same ``idempotency_key`` with the same request
    returns the first case, and with a different request is refused (nothing is stored).

    ``actor`` is None only for the public form (``source`` "public"): anyone may file a
    complaint, so no access rule applies; the channel limits how often an address may."""
    fingerprint = request_fingerprint(
        unit=unit,
        category=category,
        summary=summary,
        complainant=complainant,
        respondent=respondent,
        allegations=allegations,
        source=source,
        received_at=received_at,
    )
    try:
        return _open(
            actor=actor,
            unit=unit,
            category=category,
            summary=summary,
            complainant=complainant,
            respondent=respondent,
            allegations=allegations,
            source=source,
            received_at=received_at,
            idempotency_key=idempotency_key,
            fingerprint=fingerprint,
        )
    except IntegrityError:
        # Two submissions with the same key raced; the loser returns the winner's case.
        organisation_id = actor.organisation_id if actor is not None else unit.organisation_id
        if idempotency_key and organisation_id is not None:
            existing = Case.objects.filter(
                organisation_id=organisation_id,
                opened_by=actor,
                idempotency_key=idempotency_key,
            ).first()
            if existing is not None:
                return _replayed(existing, fingerprint)
        raise


def request_fingerprint(
    *,
    unit: Unit,
    category: str,
    summary: str,
    complainant: PartyInput,
    respondent: PartyInput,
    allegations: Sequence[AllegationInput],
    source: str,
    received_at: dt.datetime | None,
) -> str:
    """SHA-256 of the request in canonical form (sorted keys, no spacing): what an idempotency
    key is bound to. The same complaint sent again gives the same digest."""
    canonical = {
        "unit": unit.pk,
        "category": category,
        "summary": summary,
        "complainant": asdict(complainant),
        "respondent": asdict(respondent),
        "allegations": [asdict(item) for item in allegations],
        "source": source,
        "received_at": received_at.isoformat() if received_at else None,
    }
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _replayed(existing: Case, fingerprint: str) -> Case:
    """The case a repeated key opened — if the key came with the same request (cases opened
    before keys were bound to a request carry no fingerprint and are returned as before)."""
    if existing.idempotency_fingerprint and existing.idempotency_fingerprint != fingerprint:
        raise IdempotencyKeyReused(
            "This Idempotency-Key was already used for a different request, so nothing was "
            "opened. Send a new key with a new complaint; resend a request unchanged to get "
            "the case it opened."
        )
    return existing


def _open(
    *,
    actor: User | None,
    unit: Unit,
    category: str,
    summary: str,
    complainant: PartyInput,
    respondent: PartyInput,
    allegations: Sequence[AllegationInput],
    source: str,
    received_at: dt.datetime | None,
    idempotency_key: str | None,
    fingerprint: str,
) -> Case:
    with transaction.atomic():
        if actor is None:
            if source != Case.Source.PUBLIC:
                raise InvalidInput(
                    "Only the public form opens a case with nobody signed in.",
                    fields={"source": "Must be public."},
                )
            organisation = unit.organisation
            role = PUBLIC_ROLE
        else:
            organisation = _staff_organisation(actor, unit)
            role = require_open_in(actor, unit.pk).role
            if source == Case.Source.PUBLIC:
                raise InvalidInput(
                    "Staff record how a complaint reached them; the public form records itself.",
                    fields={"source": "Choose how the complaint was received."},
                )
        if idempotency_key:
            existing = Case.objects.filter(
                organisation=organisation, opened_by=actor, idempotency_key=idempotency_key
            ).first()
            if existing is not None:
                return _replayed(existing, fingerprint)
        rules = organisation.rulebook.rules
        _validate(rules.categories, category, source, received_at)
        text = clean_text(summary, "summary")
        now = clock.now()
        received = received_at or now
        case = Case.objects.create(
            organisation=organisation,
            unit=unit,
            reference=_next_reference(organisation, rules.reference_prefix, received.year),
            rulebook=organisation.rulebook,
            category=category,
            stage=rules.initial_stage,
            stage_entered_at=now,
            stage_due_on=_due(now, rules.stages[rules.initial_stage].due_days),
            summary=text,
            source=source,
            received_at=received,
            acknowledge_by=received.date() + dt.timedelta(days=rules.deadlines.acknowledge_days),
            feedback_by=clock.add_months(received.date(), rules.deadlines.feedback_months),
            opened_by=actor,
            idempotency_key=idempotency_key or None,
            idempotency_fingerprint=fingerprint if idempotency_key else "",
        )
        _add_party(case, Party.Role.COMPLAINANT, complainant)
        _add_party(case, Party.Role.RESPONDENT, respondent)
        for index, item in enumerate(allegations):
            _add_allegation(case, item, index, category)
        StatusChange.objects.create(
            case=case,
            old_stage="",
            new_stage=case.stage,
            transition="open",
            actor=actor,
            reason="",
            at=now,
        )
        record(
            actor=actor,
            action="case.opened",
            case=case,
            role=role,
            details={
                "category": category,
                "unit": unit.slug,
                "source": source,
                "allegations": len(allegations),
                "rulebook": rules.sha256,
            },
        )
        return case


def _staff_organisation(actor: User, unit: Unit) -> Organisation:
    organisation = actor.organisation
    if organisation is None or unit.organisation_id != organisation.pk:
        require(actor, "case.open")
        raise InvalidInput(
            "Choose one of your organisation's units.", fields={"unit": "Unknown unit."}
        )
    return organisation


def _due(now: dt.datetime, days: int | None) -> dt.date | None:
    return now.date() + dt.timedelta(days=days) if days else None


def _validate(
    categories: dict[str, object], category: str, source: str, received_at: dt.datetime | None
) -> None:
    if category not in categories:
        raise InvalidInput(
            f"Unknown category {category!r}.",
            fields={"category": f"Choose one of: {', '.join(categories)}."},
        )
    if source not in Case.Source.values:
        raise InvalidInput(f"Unknown source {source!r}.", fields={"source": "Unknown source."})
    if received_at is not None and received_at > clock.now():
        raise InvalidInput(
            "The complaint cannot be received in the future.",
            fields={"received_at": "Must not be in the future."},
        )


def _next_reference(organisation: Organisation, prefix: str, year: int) -> str:
    ReferenceCounter.objects.bulk_create(
        [ReferenceCounter(organisation=organisation, year=year, last=0)], ignore_conflicts=True
    )
    counter = ReferenceCounter.objects.select_for_update().get(organisation=organisation, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{prefix}-{year}-{counter.last:05d}"


def _add_party(case: Case, role: str, given: PartyInput) -> Party:
    email = given.email.strip().lower()
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise InvalidInput(
                f"The {role}'s e-mail address is not valid.",
                fields={f"{role}_email": "Not a valid e-mail address."},
            ) from exc
    member = None
    if given.member_number:
        member = Member.objects.filter(
            organisation=case.organisation, number=given.member_number.strip()
        ).first()
        if member is None:
            raise InvalidInput(
                f"No member numbered {given.member_number!r}.",
                fields={f"{role}_member_number": "Not in the membership register."},
            )
    name = clean_text(given.name, f"{role}_name", required=False, limit=200)
    if role == Party.Role.RESPONDENT and not (name or member):
        raise InvalidInput(
            "Say who the complaint is about.", fields={"respondent_name": "Required."}
        )
    if role == Party.Role.COMPLAINANT and not (name or member or given.anonymous):
        raise InvalidInput(
            "Name the complainant or mark the complaint anonymous.",
            fields={"complainant_name": "Required unless anonymous."},
        )
    return Party.objects.create(
        case=case,
        role=role,
        member=member,
        name=name or (member.full_name if member else ""),
        email=email,
        anonymous=given.anonymous and role == Party.Role.COMPLAINANT,
        elected_office=clean_text(given.elected_office, "elected_office", required=False, limit=200)
        or (member.elected_office if member else ""),
    )


def _add_allegation(case: Case, item: AllegationInput, index: int, default_category: str) -> None:
    category = item.category or default_category
    if category not in case.rulebook.rules.categories:
        raise InvalidInput(
            f"Unknown category {category!r}.", fields={f"allegations[{index}].category": "Unknown."}
        )
    Allegation.objects.create(
        case=case,
        category=category,
        summary=clean_text(item.summary, f"allegations[{index}].summary"),
        occurred_on=item.occurred_on,
        source=clean_text(item.source, f"allegations[{index}].source", required=False, limit=500),
        created_at=clock.now(),
    )
