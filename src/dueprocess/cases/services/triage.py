"""Triage: in scope? a member? a duplicate? — then accept, or decide not to investigate.

"Not investigated" is a decision with a ground and written reasons, on the record like any
other outcome; a complaint can never be dropped silently.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from dueprocess.access.enforcement import recorded_denials
from dueprocess.access.rules import Gate, visible_cases
from dueprocess.cases.models import Case, Decision, Party
from dueprocess.cases.services.common import (
    clean_text,
    lock_case,
    move,
    taken_steps,
    transition_of_kind,
    workflow_of,
)
from dueprocess.errors import InvalidInput
from dueprocess.ledger.record import record
from dueprocess.lib import clock

if TYPE_CHECKING:
    from dueprocess.accounts.models import User

#: The ground "a duplicate of another complaint": a decision on it names the case it repeats.
DUPLICATE_GROUND = "duplicate"
#: The triage question answered from the membership register.
MEMBER_QUESTION = "respondent_is_member"


@recorded_denials
def case_triage(
    *,
    actor: User,
    case: Case,
    answers: dict[str, bool],
    reason: str = "",
    ground: str = "",
    category: str = "",
    duplicate_of: str = "",
    transition: str = "",
    member_reason: str = "",
    expected_version: int | None = None,
) -> Case:
    """Record the triage answers; accept if every answer is yes, otherwise (or when a ``ground``
    is given) decide not to investigate, which needs reasons.

    "Is the respondent a member?" is checked against the register: answering yes for a
    respondent linked to no member needs ``member_reason`` (why they are one all the same —
    a new member not yet in the register, a spelling the match missed), kept in the entry."""
    with transaction.atomic():
        case = lock_case(case, expected_version=expected_version)
        gate = Gate(actor, case)
        gate.require("case.view")
        rules = case.rulebook.rules
        _check_answers(rules.triage_questions, answers)
        failing = [q for q in rules.triage_questions if not answers[q.key]]
        accept = not failing and not ground
        kind = "accept" if accept else "not_investigated"
        key = transition_of_kind(case, kind, transition)
        decision = gate.require("case.transition", transition=key)
        text = clean_text(reason, "reason", required=False)
        why_member = _member_reason(case, answers, member_reason)
        step = workflow_of(case).check(
            stage=case.stage, key=key, kind=kind, reason=text, taken=taken_steps(case)
        )
        if category:
            _recategorise(case, category)
        case.in_scope = answers.get("in_scope")
        case.respondent_is_member = answers.get("respondent_is_member")
        case.duplicate_of = _duplicate(actor, case, duplicate_of)
        case.save(update_fields=["in_scope", "respondent_is_member", "duplicate_of", "category"])
        move(case, actor=actor, step=step, reason=text)
        details = {"transition": key, "answers": answers, "category": case.category}
        if why_member:
            details["member_reason"] = why_member
        if not accept:
            chosen = ground or failing[0].decline_ground
            if chosen not in rules.not_investigated_grounds:
                raise InvalidInput(
                    f"Unknown ground {chosen!r}.", fields={"ground": "Unknown ground."}
                )
            if chosen == DUPLICATE_GROUND and case.duplicate_of is None:
                raise InvalidInput(
                    "A duplicate must name the case it repeats.",
                    fields={"duplicate_of": "Give the reference of the earlier case."},
                )
            Decision.objects.create(
                case=case,
                kind=Decision.Kind.NOT_INVESTIGATED,
                transition=key,
                finding="not_investigated",
                ground=chosen,
                reasons=text,
                decided_by=actor,
                decided_at=clock.now(),
            )
            details["ground"] = chosen
            if case.duplicate_of is not None:
                details["duplicate_of"] = case.duplicate_of.reference
        record(
            actor=actor,
            case=case,
            role=decision.role,
            details=details | {"reason": text},
            action="case.accepted" if accept else "case.not_investigated",
        )
        return case


def _check_answers(questions: tuple, answers: dict[str, bool]) -> None:  # type: ignore[type-arg]
    missing = {
        q.key: "Answer yes or no." for q in questions if not isinstance(answers.get(q.key), bool)
    }
    if missing:
        raise InvalidInput("Answer every triage question.", fields=missing)
    unknown = set(answers) - {q.key for q in questions}
    if unknown:
        raise InvalidInput(f"Unknown triage question(s): {', '.join(sorted(unknown))}.")


def _member_reason(case: Case, answers: dict[str, bool], given: str) -> str:
    """The reason for answering yes to "a member?" when no respondent is linked to the
    register: required then (a field error without it), kept whenever it is given."""
    text = clean_text(given, "member_reason", required=False, limit=2000)
    linked = Party.objects.filter(
        case=case, role=Party.Role.RESPONDENT, member__isnull=False
    ).exists()
    if answers.get(MEMBER_QUESTION) is True and not linked and not text:
        raise InvalidInput(
            "The respondent is not linked to a member of the register: say why you answer"
            " that they are a member, or answer no.",
            fields={"member_reason": "Required: the respondent is not in the register."},
        )
    return text


def _recategorise(case: Case, category: str) -> None:
    if category not in case.rulebook.rules.categories:
        raise InvalidInput(
            f"Unknown category {category!r}.", fields={"category": "Unknown category."}
        )
    case.category = category


def _duplicate(actor: User, case: Case, reference: str) -> Case | None:
    """The earlier case this one repeats — looked for among the cases ``actor`` may see, so a
    case they may not know about is answered exactly like one that does not exist."""
    if not reference:
        return None
    original = (
        visible_cases(actor)
        .filter(organisation_id=case.organisation_id, reference=reference.strip()[:32])
        .first()
    )
    if original is None or original.pk == case.pk:
        raise InvalidInput(
            "The duplicate must name another case.", fields={"duplicate_of": "Unknown case."}
        )
    return original
