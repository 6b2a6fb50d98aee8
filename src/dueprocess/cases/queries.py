"""Every read of case data. Log before reveal: the ``*.viewed`` entry is committed before the
data is returned, so no one can read a case without leaving a record."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import QuerySet

from dueprocess.access.enforcement import recorded_denials
from dueprocess.access.policy import Verdict
from dueprocess.access.rules import Gate, found_case, require, visible_cases
from dueprocess.cases.models import Case
from dueprocess.ledger.record import record

if TYPE_CHECKING:
    from dueprocess.accounts.models import User

PAGE_SIZE = 50


@dataclass
class CaseListing:
    cases: list[Case]
    total: int
    page: int
    pages: int
    filters: dict[str, Any] = field(default_factory=dict)


def case_queryset_for(
    actor: User, *, stage: str = "", category: str = "", search: str = ""
) -> QuerySet[Case]:
    """The filtered, visible cases, oldest first (the backlog is worked from the oldest)."""
    cases = visible_cases(actor).select_related("unit")
    if stage:
        cases = cases.filter(stage=stage)
    if category:
        cases = cases.filter(category=category)
    if search:
        cases = cases.filter(reference__icontains=search.strip()[:40])
    return cases.order_by("received_at", "pk")


@recorded_denials
def case_list_for(actor: User, *, page: int = 1, **filters: str) -> CaseListing:
    require(actor, "case.list")
    cases = case_queryset_for(actor, **filters)
    total = cases.count()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    shown = list(cases[(page - 1) * PAGE_SIZE : page * PAGE_SIZE])
    with transaction.atomic():
        record(
            actor=actor,
            action="case_list.viewed",
            details={"filters": filters, "page": page, "shown": [c.reference for c in shown]},
        )
    return CaseListing(cases=shown, total=total, page=page, pages=pages, filters=filters)


@dataclass
class CaseView:
    case: Case
    decision: Verdict
    gate: Gate


@recorded_denials
def case_detail_for(actor: User, reference: str) -> CaseView:
    """The case file for ``reference``, after recording that ``actor`` viewed it."""
    case = found_case(actor, reference, "case.view")
    gate = Gate(actor, case)
    decision = gate.require("case.view")
    with transaction.atomic():
        record(
            actor=actor,
            action="case.viewed",
            case=case,
            role=decision.role,
            details={
                "sections": [
                    "summary",
                    "parties",
                    "allegations",
                    "notes",
                    "evidence",
                    "measures",
                    "outcomes",
                    "timeline",
                ]
            },
        )
    return CaseView(case=case, decision=decision, gate=gate)
