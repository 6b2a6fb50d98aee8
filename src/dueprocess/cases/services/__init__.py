"""Every write to a case goes through one of these services.

Each is keyword-only and typed, runs in one transaction that locks the case, asks the access
policy, checks the workflow state, writes the change, its status-change row and its ledger
entry — or raises a clear domain error and writes nothing (except the record of a denial).
"""

from dueprocess.cases.services.advice import (
    advice_request_answer,
    advice_request_close,
    advice_request_create,
)
from dueprocess.cases.services.appeals import appeal_decide, appeal_lodge
from dueprocess.cases.services.approaches import approach_log
from dueprocess.cases.services.assignment import assignment_end, case_assign, recusal_declare
from dueprocess.cases.services.hearing_consents import hearing_consent_record
from dueprocess.cases.services.hearings import hearing_adjourn, hearing_record, hearing_schedule
from dueprocess.cases.services.interim import interim_measure_impose, interim_measure_lift
from dueprocess.cases.services.member_match import member_match_confirm, member_match_reject
from dueprocess.cases.services.notes import evidence_add, note_add
from dueprocess.cases.services.opening import AllegationInput, PartyInput, case_open
from dueprocess.cases.services.outcomes import (
    decision_record,
    recommendation_revise,
    recommendation_submit,
)
from dueprocess.cases.services.panels import panel_appoint, panel_draw
from dueprocess.cases.services.provisional import decision_announce
from dueprocess.cases.services.signoffs import signoff_record
from dueprocess.cases.services.summaries import summary_approve, summary_return, summary_write
from dueprocess.cases.services.transitions import case_close, case_reopen, case_transition
from dueprocess.cases.services.triage import case_triage

__all__ = [
    "AllegationInput",
    "PartyInput",
    "advice_request_answer",
    "advice_request_close",
    "advice_request_create",
    "appeal_decide",
    "appeal_lodge",
    "approach_log",
    "assignment_end",
    "case_assign",
    "case_close",
    "case_open",
    "case_reopen",
    "case_transition",
    "case_triage",
    "decision_announce",
    "decision_record",
    "evidence_add",
    "hearing_adjourn",
    "hearing_consent_record",
    "hearing_record",
    "hearing_schedule",
    "interim_measure_impose",
    "interim_measure_lift",
    "member_match_confirm",
    "member_match_reject",
    "note_add",
    "panel_appoint",
    "panel_draw",
    "recommendation_revise",
    "recommendation_submit",
    "recusal_declare",
    "signoff_record",
    "summary_approve",
    "summary_return",
    "summary_write",
]
