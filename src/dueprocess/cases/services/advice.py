"""Advice requests: the one formal channel from the case team to someone outside it.

"Staff were asked for advice on a small number of cases" should be a count anyone entitled can
take, with each question, the extract shown and the answer on the case. The adviser — often
someone in the political office, who never sees case files — sees only what was attached to
the request, answers in writing, and loses even that once the request is closed (the relation
in ``access.facts`` only counts open requests).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction

from dueprocess.access.conflicts import case_conflict
from dueprocess.access.enforcement import recorded_denials
from dueprocess.access.policy import Verdict
from dueprocess.access.rules import Gate, require
from dueprocess.cases.models import AdviceRequest, Recusal
from dueprocess.cases.services.common import clean_text, lock_case
from dueprocess.errors import AccessDenied, InvalidInput
from dueprocess.ledger.record import record
from dueprocess.lib import clock

if TYPE_CHECKING:
    from dueprocess.accounts.models import User
    from dueprocess.cases.models import Case

EXTRACT_LIMIT = 10000


@recorded_denials
def advice_request_create(
    *, actor: User, case: Case, adviser: User, question: str, extract: str
) -> AdviceRequest:
    """Ask ``adviser`` a specific question, showing them ``extract`` and nothing else."""
    with transaction.atomic():
        case = lock_case(case)
        gate = Gate(actor, case)
        gate.require("case.view")
        decision = gate.require("case.advice")
        asked = clean_text(question, "question", limit=4000)
        shown = clean_text(extract, "extract", limit=EXTRACT_LIMIT)
        _check_adviser(case, actor, adviser)
        request = AdviceRequest.objects.create(
            case=case,
            requested_by=actor,
            adviser=adviser,
            question=asked,
            extract=shown,
            requested_at=clock.now(),
        )
        record(
            actor=actor,
            action="advice.requested",
            case=case,
            role=decision.role,
            details={
                "request": request.pk,
                "adviser": adviser.pk,
                "question": asked,
                "extract": shown,
            },
        )
        return request


def _check_adviser(case: Case, actor: User, adviser: User) -> None:
    if adviser.organisation_id != case.organisation_id or not adviser.is_active:
        raise InvalidInput(
            "Ask an active member of the organisation's staff.",
            fields={"adviser": "Not a member of staff here."},
        )
    if adviser.pk == actor.pk:
        raise InvalidInput("You cannot ask yourself for advice.", fields={"adviser": "Yourself."})
    if Recusal.objects.filter(case=case, user=adviser).exists():
        raise InvalidInput(
            f"{adviser} is recused from this case.", fields={"adviser": "Recused from the case."}
        )
    conflict = case_conflict(adviser, case, case.rulebook.rules)
    if conflict:
        raise InvalidInput(
            f"{adviser} cannot advise on this case: {conflict}.",
            fields={"adviser": "Conflicted with this case."},
        )


@recorded_denials
def advice_request_answer(*, actor: User, request: AdviceRequest, answer: str) -> AdviceRequest:
    """The adviser's written answer; once given it stands (a later thought is a new request)."""
    with transaction.atomic():
        case = lock_case(request.case)
        request = AdviceRequest.objects.select_for_update().get(pk=request.pk)
        decision = _require_own_open_request(actor, request, "advice.answer")
        text = clean_text(answer, "answer")
        if request.answered_at is not None:
            raise InvalidInput("This request has already been answered.")
        request.answer = text
        request.answered_at = clock.now()
        request.save(update_fields=["answer", "answered_at"])
        record(
            actor=actor,
            action="advice.answered",
            case=case,
            role=decision.role,
            details={"request": request.pk, "answer": text},
        )
        return request


@recorded_denials
def advice_request_close(*, actor: User, request: AdviceRequest, reason: str) -> AdviceRequest:
    """The case team closes the request; the adviser's view of the extract ends with it."""
    with transaction.atomic():
        case = lock_case(request.case)
        gate = Gate(actor, case)
        gate.require("case.view")
        decision = gate.require("case.advice")
        text = clean_text(reason, "reason", limit=2000)
        request = AdviceRequest.objects.select_for_update().get(pk=request.pk)
        if request.closed_at is not None:
            raise InvalidInput("This request is already closed.")
        request.closed_at = clock.now()
        request.save(update_fields=["closed_at"])
        record(
            actor=actor,
            action="advice.closed",
            case=case,
            role=decision.role,
            details={
                "request": request.pk,
                "reason": text,
                "answered": request.answered_at is not None,
            },
        )
        return request


def _require_own_open_request(actor: User, request: AdviceRequest, action: str) -> Verdict:
    """The case-level ``adviser`` relation, narrowed to this very request: its adviser, open."""
    decision = require(actor, action, request.case)
    if request.adviser_id != actor.pk or request.closed_at is not None:
        raise AccessDenied(
            actor=actor,
            action=action,
            case_id=request.case_id,
            reason="not the adviser on an open request",
            reveal=False,
        )
    return decision


# ---- The adviser's narrow read: question, extract, their own answer. Never the case file. ----


@dataclass(frozen=True)
class AdviceBrief:
    id: int
    question: str
    extract: str
    answer: str
    requested_at: dt.datetime
    requested_by: str
    answered_at: dt.datetime | None


@recorded_denials
def advice_request_for(actor: User, request_id: int) -> AdviceBrief:
    """What the adviser may see of one request, after recording that they saw it."""
    request = (
        AdviceRequest.objects.select_related("case__rulebook", "requested_by")
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        raise AccessDenied(
            actor=actor,
            action="advice.view",
            case_id=None,
            reason=f"no advice request {request_id}",
            reveal=False,
        )
    decision = _require_own_open_request(actor, request, "advice.view")
    with transaction.atomic():
        record(
            actor=actor,
            action="advice.viewed",
            case=request.case,
            role=decision.role,
            details={"request": request.pk, "sections": ["question", "extract", "answer"]},
        )
    return AdviceBrief(
        id=request.pk,
        question=request.question,
        extract=request.extract,
        answer=request.answer,
        requested_at=request.requested_at,
        requested_by=str(request.requested_by),
        answered_at=request.answered_at,
    )


@dataclass(frozen=True)
class AdviceInboxItem:
    id: int
    requested_at: dt.datetime
    requested_by: str
    answered: bool


def advice_inbox_for(actor: User) -> list[AdviceInboxItem]:
    """The adviser's open requests: dates and who asked, nothing from the case."""
    rows = (
        AdviceRequest.objects.filter(adviser=actor, closed_at__isnull=True)
        .select_related("requested_by")
        .order_by("requested_at", "pk")
    )
    items = [
        AdviceInboxItem(r.pk, r.requested_at, str(r.requested_by), r.answered_at is not None)
        for r in rows
    ]
    with transaction.atomic():
        record(actor=actor, action="advice_list.viewed", details={"shown": [i.id for i in items]})
    return items
