"""Letters go into the outbox in the same transaction as the step that causes them.

``on_step`` receives ``cases.signals.step_taken`` from the case services; for every letter the
rulebook sends on that step it renders one letter per addressee, keeps it (text, HTML, PDF)
and records ``letter.queued``. Nothing is sent here: the sender delivers after commit.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone

from dueprocess.cases.models import Decision, InterimMeasure, Party
from dueprocess.ledger import keys
from dueprocess.ledger.record import record
from dueprocess.letters.models import Letter
from dueprocess.letters.render import load_template, render
from dueprocess.lib import clock
from dueprocess.rulebook.versions import letter_template_dirs

if TYPE_CHECKING:
    from dueprocess.accounts.models import User
    from dueprocess.cases.models import Case
    from dueprocess.cases.signals import HearingNotice
    from dueprocess.rulebook.schema import LetterTemplate, Rulebook


def on_step(sender: Any, **kwargs: Any) -> None:
    letters_queue(
        case=kwargs["case"],
        trigger=kwargs["trigger"],
        actor=kwargs.get("actor"),
        reason=kwargs.get("reason", ""),
        measure=kwargs.get("measure"),
        hearing=kwargs.get("hearing"),
    )


def party_pseudonym(party: Party) -> str:
    return keys.pseudonym("party", party.pk)


def letters_queue(
    *,
    case: Case,
    trigger: str,
    actor: User | None,
    reason: str = "",
    measure: InterimMeasure | None = None,
    hearing: HearingNotice | None = None,
) -> list[Letter]:
    """Render and queue every letter the case's rulebook sends on ``trigger`` (in the caller's
    transaction). A party with no e-mail address gets the letter for post (its PDF)."""
    rules = case.rulebook.rules
    wanted = [letter for letter in rules.letters.values() if trigger in letter.on]
    if not wanted:
        return []
    decision = Decision.objects.filter(case=case).order_by("-decided_at", "-id").first()
    queued = []
    now = clock.now()
    for letter in wanted:
        if letter.sanctions and not (decision and set(decision.sanctions) & set(letter.sanctions)):
            continue
        template = load_template(letter.template, letter_template_dirs(case.rulebook))
        parties = Party.objects.filter(case=case, role__in=letter.recipients).order_by("id")
        for party in parties:
            values = letter_facts(
                case,
                rules,
                party,
                reason=reason,
                measure=measure,
                decision=decision,
                hearing=hearing,
                now=now,
            )
            made = render(template, values, written_at=now)
            queued.append(_keep(case, letter, party, trigger, made, actor, now))
    return queued


def party_address(party: Party) -> str:
    """Where a party's letters go: the address given with the complaint, else the membership
    register's address of the member the party is; "" when there is neither (post)."""
    if party.email:
        return party.email
    return party.member.email if party.member is not None else ""


def _keep(
    case: Case,
    letter: LetterTemplate,
    party: Party,
    trigger: str,
    made: Any,
    actor: User | None,
    now: dt.datetime,
) -> Letter:
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "dueprocess.invalid"
    address = party_address(party)
    row = Letter.objects.create(
        case=case,
        party=party,
        template=letter.key,
        trigger=trigger,
        recipient_role=party.role,
        recipient_pseudonym=party_pseudonym(party),
        to_address=address,
        subject=made.subject,
        text=made.text,
        html=made.html,
        pdf=made.pdf,
        content_sha256=made.content_sha256,
        template_sha256=made.template_sha256,
        message_id=f"<letter.{uuid.uuid4().hex}@{domain}>",
        status=Letter.Status.QUEUED if address else Letter.Status.POST,
        next_attempt_at=now,
        created_at=now,
    )
    record(
        actor=actor,
        action="letter.queued",
        case=case,
        details={
            "letter": row.pk,
            "template": letter.key,
            "recipient": row.recipient_pseudonym,
            "recipient_role": party.role,
            "content_sha256": made.content_sha256,
            "template_sha256": made.template_sha256,
            "by": "e-mail" if address else "post",
        },
    )
    return row


def _day(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, dt.datetime):
        value = timezone.localdate(value)
    return f"{value.day} {value:%B %Y}"


def moment(value: dt.datetime) -> str:
    """A date and time as a letter gives it, in the organisation's time: "3 June 2026 at 10:30"."""
    local = timezone.localtime(value)
    return f"{_day(local)} at {local:%H:%M}"


def letter_facts(
    case: Case,
    rules: Rulebook,
    party: Party,
    *,
    reason: str = "",
    measure: InterimMeasure | None = None,
    decision: Decision | None = None,
    hearing: HearingNotice | None = None,
    now: dt.datetime,
) -> dict[str, str]:
    """The values of every placeholder for a letter to ``party`` on ``case``."""
    stage = rules.stages.get(case.stage)
    allegations = "\n".join(
        f"{i}. {a.summary}" for i, a in enumerate(case.allegations.order_by("id"), start=1)
    )
    values = {
        "organisation": case.organisation.name,
        "rulebook": rules.name,
        "reference": case.reference,
        "recipient_name": party.display_name,
        "recipient_role": party.role,
        "date": _day(now),
        "received_on": _day(case.received_at),
        "category": rules.categories[case.category].label
        if case.category in rules.categories
        else case.category,
        "allegations": allegations or "—",
        "stage": stage.label if stage else case.stage,
        "stage_due_on": _day(case.stage_due_on),
        "acknowledge_by": _day(case.acknowledge_by),
        "feedback_by": _day(case.feedback_by),
        "reason": reason or "—",
        "appeal_by": _day(case.stage_due_on) if stage and stage.window else "—",
        "measure": "—",
        "measure_ground": "—",
        "measure_reasons": "—",
        "review_on": "—",
        "finding": "—",
        "sanctions": "—",
        "decision_reasons": "—",
        "sanction_expires_on": "—",
        "hearing_at": "—",
        "hearing_place": "—",
        "hearing_panel": "—",
        "adjournment_reason": "—",
    }
    if measure is not None:
        kind = rules.interim_measures.get(measure.kind)
        grounds = {g.key: g.label for g in kind.grounds} if kind else {}
        values.update(
            measure=kind.label if kind else measure.kind,
            measure_ground=grounds.get(measure.ground, measure.ground),
            measure_reasons=measure.reasons,
            review_on=_day(measure.review_on),
        )
    if hearing is not None:
        values.update(
            hearing_at=moment(hearing.starts_at),
            hearing_place=hearing.place,
            hearing_panel="\n".join(hearing.panel) or "—",
            adjournment_reason=hearing.adjournment_reason or "—",
        )
    if decision is not None:
        labels = [
            rules.sanctions[k].label if k in rules.sanctions else k for k in decision.sanctions
        ]
        values.update(
            finding=decision.get_finding_display(),
            sanctions=", ".join(labels) or "none",
            decision_reasons=decision.reasons or "—",
            sanction_expires_on=_day(decision.warning_expires_on),
        )
    return values
