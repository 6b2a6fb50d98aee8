"""Reading one case file. Log before reveal: the ``*.viewed`` entry is committed before the
data is returned, so no one can read a case without leaving a record. (Lists of cases are in
``worklists``, numbered pages, and ``case_pages``, keyset pages.)"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction

from dueprocess.access.enforcement import recorded_denials
from dueprocess.access.policy import Verdict
from dueprocess.access.rules import Gate, found_case
from dueprocess.cases.models import Case
from dueprocess.ledger.record import record

if TYPE_CHECKING:
    from dueprocess.accounts.models import User


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
                    "interviews",
                    "consents",
                    "measures",
                    "outcomes",
                    "timeline",
                    "duplicates",
                ]
            },
        )
    return CaseView(case=case, decision=decision, gate=gate)
