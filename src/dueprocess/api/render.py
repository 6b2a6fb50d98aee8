"""Turn cases and their parts into the API's JSON shapes (see ``outputs``).

Only shaping happens here. Callers pass objects they obtained through the queries, so the
access check and the ``*.viewed`` ledger entry have already happened.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING, Any

from dueprocess.cases.filters import is_overdue
from dueprocess.cases.models import (
    AdviceRequest,
    Approach,
    Assignment,
    Case,
    Decision,
    EvidenceItem,
    InterimMeasure,
    Note,
    Party,
    Recommendation,
    Recusal,
    StatusChange,
)
from dueprocess.cases.presenters import case_file
from dueprocess.cases.sealed import announced_at
from dueprocess.cases.services.hearing_consents import consents_of as hearing_consents_of
from dueprocess.letters.models import FeedbackGiven, Letter, Notice
from dueprocess.lib import clock
from dueprocess.members.models import Member
from dueprocess.parties.models import EvidenceWithholding, Message, PartyAccess, PartyFile
from dueprocess.parties.seen import PartySeen, Tally

if TYPE_CHECKING:
    from dueprocess.accounts.models import User
    from dueprocess.cases.models import Adjournment, DecisionSummary, Hearing, PanelConstitution
    from dueprocess.cases.queries import CaseView
    from dueprocess.cases.services.appeals import AppealsState, AppealView
    from dueprocess.cases.services.dossiers import DossierResult
    from dueprocess.cases.services.hearings import HearingState
    from dueprocess.cases.services.panels import PanelState
    from dueprocess.cases.services.reviews import ReviewsState, ReviewView
    from dueprocess.cases.services.summaries import SummaryState
    from dueprocess.members.matching import Candidate
    from dueprocess.rulebook.schema import Transition

#: Which endpoint takes each kind of step (``{ref}`` and ``{step}`` filled in).
_ENDPOINT_FOR_KIND = {
    "move": "/api/v1/cases/{ref}/transitions/{step}",
    "accept": "/api/v1/cases/{ref}/triage",
    "not_investigated": "/api/v1/cases/{ref}/triage",
    "recommend": "/api/v1/cases/{ref}/recommendation",
    "decide": "/api/v1/cases/{ref}/decision",
}


def person(user: User | None) -> dict[str, str] | None:
    return None if user is None else {"name": user.full_name or user.email, "email": user.email}


def _label(labels: dict[str, Any], key: str) -> str:
    found = labels.get(key)
    return str(found.label) if found is not None else key


def case_item(case: Case, today: dt.date | None = None) -> dict[str, Any]:
    rules = case.rulebook.rules
    return {
        "reference": case.reference,
        "unit": case.unit.slug,
        "category": case.category,
        "category_label": _label(rules.categories, case.category),
        "stage": case.stage,
        "stage_label": _label(rules.stages, case.stage),
        "received_at": case.received_at,
        "stage_due_on": case.stage_due_on,
        "overdue": is_overdue(case, today or clock.today()),
        "closed_at": case.closed_at,
    }


def case_state(case: Case) -> dict[str, Any]:
    return {
        "reference": case.reference,
        "category": case.category,
        "stage": case.stage,
        "stage_label": _label(case.rulebook.rules.stages, case.stage),
        "version": case.version,
        "received_at": case.received_at,
        "stage_due_on": case.stage_due_on,
        "closed_at": case.closed_at,
    }


def step(case: Case, transition: Transition) -> dict[str, Any]:
    endpoint = _ENDPOINT_FOR_KIND[transition.kind].format(ref=case.reference, step=transition.key)
    return {
        "key": transition.key,
        "label": transition.label,
        "kind": transition.kind,
        "target": transition.target,
        "reasons": transition.reasons,
        "endpoint": endpoint,
    }


def case_detail(view: CaseView) -> dict[str, Any]:
    """The case file (``cases.presenters.case_file``, the web page's read model) as JSON."""
    shown = case_file(view)
    case = shown.case
    return case_state(case) | {
        "unit": case.unit.slug,
        "category_label": shown.category_label,
        "summary": case.summary,
        "source": case.source,
        "acknowledge_by": case.acknowledge_by,
        "acknowledged_at": case.acknowledged_at,
        "feedback_by": case.feedback_by,
        "overdue": is_overdue(case, clock.today()),
        "viewer_role": shown.viewer_role,
        "parties": [party(p) for p in shown.parties],
        "allegations": [allegation(a) for a in shown.allegations],
        "assignments": [assignment(a) for a in shown.assignments],
        "interim_measures": [measure(m) for m in shown.measures],
        "recommendations": [recommendation(r) for r in shown.recommendations],
        "decisions": [decision(d) for d in shown.decisions],
        "sealed_decisions": [
            {"id": n.decision_id, "recorded_at": n.recorded_at} for n in shown.sealed_decisions
        ],
        "notes": [note(n) for n in shown.notes],
        "evidence": [evidence(e) for e in shown.evidence],
        # who was interviewed, and each consent to being recorded (as on the case page)
        "interviews": [interview(i) for i in shown.interviews],
        "consents": [consent(c) for c in shown.consents],
        "history": [history(h) for h in shown.history],
        "steps": [step(case, s) for s in shown.allowed_steps],
        # the case this one repeats: its reference, "" if this viewer may not open it, null if
        # it is no duplicate (as on the case page)
        "duplicate_of": shown.duplicate_of,
        # the cases closed as duplicates of this one that the viewer may see
        "repeated_by": shown.repeated_by,
        # while the case awaits triage: earlier cases it may repeat (cases.duplicates)
        "possible_duplicates": [
            {
                "reference": s.reference,
                "stage": s.stage,
                "closed": s.closed,
                "summary": s.summary,
                "reason": s.reason,
            }
            for s in shown.possible_duplicates
        ],
    }


def party(item: Party) -> dict[str, Any]:
    return {
        "id": item.pk,
        "role": item.role,
        "name": item.display_name,
        "anonymous": item.anonymous,
        "member_number": item.member.number if item.member and not item.anonymous else None,
        # a respondent's register link is "suggested" until confirmed; a rejected one is
        # unlinked (null for other parties, and for a respondent never linked)
        "member_match": item.get_member_match_display().lower()
        if item.role == Party.Role.RESPONDENT and (item.member_id or item.member_match)
        else None,
        "elected_office": item.elected_office,
    }


def allegation(item: Any) -> dict[str, Any]:
    return {
        "id": item.pk,
        "category": item.category,
        "summary": item.summary,
        "occurred_on": item.occurred_on,
        "source": item.source,
    }


def note(item: Note) -> dict[str, Any]:
    return {
        "id": item.pk,
        "author": person(item.author),
        "body": item.body,
        "created_at": item.created_at,
    }


def interview(item: Any) -> dict[str, Any]:
    return {
        "id": item.pk,
        "interviewee": item.interviewee,
        "interviewer": person(item.interviewer),
        "held_at": item.held_at,
        "statement": item.statement,
        "statement_agreed": item.statement_agreed,
    }


def consent(item: Any) -> dict[str, Any]:
    return {
        "id": item.pk,
        "person": item.person,
        "purpose": item.purpose,
        "scope": item.scope,
        "given_at": item.given_at,
        "interview": item.interview_id,
        "recorded_by": person(item.recorded_by),
    }


def evidence(item: EvidenceItem, withheld: EvidenceWithholding | None = None) -> dict[str, Any]:
    """An evidence item; ``withheld``, its current withholding from the respondent, if any
    (from ``withheld_now``)."""
    return {
        "id": item.pk,
        "title": item.title,
        "kind": item.kind,
        "description": item.description,
        "sha256": item.sha256,
        "size_bytes": item.size_bytes,
        "received_at": item.received_at,
        "added_by": person(item.added_by),
        "withheld": None
        if withheld is None
        else {
            "id": withheld.pk,
            "by": person(withheld.withheld_by),
            "at": withheld.withheld_at,
            "reason": withheld.reason,
        },
    }


def withheld_now(withholdings: list[EvidenceWithholding]) -> dict[int, EvidenceWithholding]:
    """The current withholding of each withheld item, by item id, from
    ``parties.redactions.withholdings_for_case``: the reading the case page uses."""
    from dueprocess.parties.redactions import current

    return {w.item_id: w for w in current(withholdings)}


def assignment(item: Assignment) -> dict[str, Any]:
    return {
        "id": item.pk,
        "person": person(item.user),
        "role": item.role,
        "assigned_at": item.assigned_at,
        "ended_at": item.ended_at,
        "end_reason": item.end_reason,
    }


def measure(item: InterimMeasure) -> dict[str, Any]:
    return {
        "id": item.pk,
        "kind": item.kind,
        "ground": item.ground,
        "reasons": item.reasons,
        "imposed_by": person(item.imposed_by),
        "imposed_at": item.imposed_at,
        "review_on": item.review_on,
        "active": item.is_active,
        "lifted_at": item.lifted_at,
        "lift_reason": item.lift_reason,
    }


def recommendation(item: Recommendation) -> dict[str, Any]:
    return {
        "number": item.number,
        "author": person(item.author),
        "finding": item.finding,
        "sanctions": list(item.sanctions),
        "factors": list(item.factors),
        "reasons": item.reasons,
        "submitted_at": item.submitted_at,
        "supersedes": item.supersedes.number if item.supersedes else None,
    }


def decision(item: Decision) -> dict[str, Any]:
    return {
        "id": item.pk,
        "kind": item.kind,
        "transition": item.transition,
        "finding": item.finding,
        "sanctions": list(item.sanctions),
        "ground": item.ground,
        "reasons": item.reasons,
        "recommendation": item.recommendation.number if item.recommendation else None,
        "departs": item.departs,
        "direction": item.direction,
        "outside_guideline": item.outside_guideline,
        "decided_by": person(item.decided_by),
        "decided_at": item.decided_at,
        "warning_expires_on": item.warning_expires_on,
        "votes": [
            {"member": person(v.user), "concurs": v.concurs, "reasons": v.reasons}
            for v in item.votes.select_related("user").order_by("id")
        ],
        "sealed": item.sealed,
        "announced_at": announced_at(item),
    }


def recusal(item: Recusal) -> dict[str, Any]:
    return {
        "person": person(item.user),
        "source": item.source,
        "reason": item.reason,
        "recorded_at": item.recorded_at,
    }


def approach(item: Approach) -> dict[str, Any]:
    return {
        "id": item.pk,
        "approached_by": item.approached_by,
        "from_political_office": item.from_political_office,
        "channel": item.channel,
        "occurred_at": item.occurred_at,
        "what_was_asked": item.what_was_asked,
        "direction": item.direction,
        "logged_by": person(item.logged_by),
        "logged_at": item.logged_at,
    }


def advice_request(item: AdviceRequest) -> dict[str, Any]:
    return {
        "id": item.pk,
        "requested_by": person(item.requested_by),
        "adviser": person(item.adviser),
        "question": item.question,
        "extract": item.extract,
        "requested_at": item.requested_at,
        "answer": item.answer,
        "answered_at": item.answered_at,
        "closed_at": item.closed_at,
    }


def history(item: StatusChange) -> dict[str, Any]:
    return {
        "from_stage": item.old_stage,
        "to_stage": item.new_stage,
        "transition": item.transition,
        "by": person(item.actor),
        "reason": item.reason,
        "at": item.at,
    }


def member(item: Member) -> dict[str, Any]:
    return {
        "number": item.number,
        "full_name": item.full_name,
        "email": item.email,
        "postcode": item.postcode,
        "status": item.status,
        "joined_on": item.joined_on,
        "elected_office": item.elected_office,
    }


def candidate(item: Candidate) -> dict[str, Any]:
    return {"member": member(item.member), "score": item.score, "reasons": list(item.reasons)}


def redaction(item: Any) -> dict[str, Any]:
    return {
        "id": item.pk,
        "allegation": item.allegation_id,
        "passage": item.passage,
        "reason": item.reason,
        "marked_by": person(item.marked_by),
        "marked_at": item.marked_at,
        "withdrawn": _withdrawn(item),
    }


def _withdrawn(item: Any) -> dict[str, Any] | None:
    from dueprocess.parties.redactions import withdrawal_of

    withdrawal = withdrawal_of(item)
    if withdrawal is None:
        return None
    return {
        "by": person(withdrawal.withdrawn_by),
        "at": withdrawal.withdrawn_at,
        "reason": withdrawal.reason,
    }


def letter(item: Letter, reference: str) -> dict[str, Any]:
    return {
        "id": item.pk,
        "template": item.template,
        "trigger": item.trigger,
        "subject": item.subject,
        "recipient_role": item.recipient_role,
        "recipient": item.recipient_pseudonym,
        "status": item.status,
        "content_sha256": item.content_sha256,
        "message_id": item.message_id,
        "attempts": item.attempts,
        "created_at": item.created_at,
        "sent_at": item.sent_at,
        "bounced_at": item.bounced_at,
        "pdf": f"/api/v1/cases/{reference}/letters/{item.pk}/pdf",
    }


def party_access(item: PartyAccess) -> dict[str, Any]:
    return {"id": item.pk, "role": item.role, "active": item.active}


def party_file(item: PartyFile, case: Case) -> dict[str, Any]:
    from dueprocess.parties.files import file_name

    return {
        "id": item.pk,
        "party": item.access_id,
        "party_role": item.access.role,
        "filename": file_name(case, item),
        "media_type": item.media_type,
        "size_bytes": item.size_bytes,
        "sha256": item.sha256,
        "received_at": item.received_at,
        "message": item.message_id,
        "note": item.message.body,
    }


def message(item: Message) -> dict[str, Any]:
    return {
        "id": item.pk,
        "party": item.access_id,
        "party_role": item.access.role,
        "direction": item.direction,
        "body": item.body,
        "author": person(item.author),
        "sent_at": item.sent_at,
        "read_by_party_at": item.read_by_party_at,
    }


def seen(tally: Tally) -> dict[str, Any]:
    return {"count": tally.count, "first": tally.first, "last": tally.last}


def party_seen(item: PartySeen) -> dict[str, Any]:
    return {
        "id": item.access_id,
        "role": item.role,
        "active": item.active,
        "issued_at": item.issued_at,
        "revoked_at": item.revoked_at,
        "letters": [
            {
                "id": letter.id,
                "subject": letter.subject,
                "template": letter.template,
                "status": letter.status,
                "written_at": letter.written_at,
                "sent_at": letter.sent_at,
                "downloaded": seen(letter.downloads),
            }
            for letter in item.letters
        ],
        "messages": [
            {"id": m.id, "sent_at": m.sent_at, "read_at": m.read_at} for m in item.messages
        ],
        "visits": seen(item.visits),
        "allegations": seen(item.allegations),
        "outcome": seen(item.outcome),
        "letters_downloaded": seen(item.letters_downloaded),
    }


def summary_version(item: DecisionSummary) -> dict[str, Any]:
    review = getattr(item, "review", None)  # None: not reviewed yet
    return {
        "version": item.version,
        "text": item.text,
        "written_by": person(item.written_by),
        "written_at": item.written_at,
        "review": None
        if review is None
        else {
            "verdict": review.verdict,
            "reason": review.reason,
            "by": person(review.reviewed_by),
            "at": review.reviewed_at,
        },
    }


def summary_state(state: SummaryState) -> dict[str, Any]:
    decision = state.decision
    return {
        "status": state.status,
        "open": state.open,
        "decision": None
        if decision is None
        else {"kind": decision.kind, "decided_at": decision.decided_at},
        "versions": [summary_version(v) for v in state.versions],
    }


def feedback(item: FeedbackGiven) -> dict[str, Any]:
    return {"id": item.pk, "text": item.text, "by": person(item.by), "at": item.at}


def notice(item: Notice) -> dict[str, Any]:
    return {
        "reference": item.case.reference,
        "kind": item.kind,
        "deadline": item.deadline,
        "due_on": item.due_on,
        "text": item.text,
        "created_at": item.created_at,
    }


def dossier(result: DossierResult) -> dict[str, Any]:
    return {
        "id": result.dossier.pk if result.dossier is not None else None,
        "sha256": result.sha256,
        "rows": len(result.rows),
        "created": result.count("created"),
        "new": result.count("new"),
        "already": result.count("already"),
        "errors": result.count("error"),
        "respondents": result.respondents,
        "non_members": result.non_members,
        "summary": result.summary,
        "duplicates": result.duplicates,
        "duplicates_summary": result.duplicates_summary,
        "items": [
            {
                "row": r.row,
                "status": r.status,
                "reference": r.reference,
                "errors": r.errors,
                "member": r.member,
                "score": r.score,
                "reason": r.reason,
                "is_member": r.is_member,
                "repeats": r.repeats,
                "repeat_reason": r.repeat_reason,
            }
            for r in result.rows
        ],
    }


def adjournment(item: Adjournment) -> dict[str, Any]:
    return {
        "id": item.pk,
        "reason": item.reason,
        "starts_at": item.starts_at,
        "place": item.place,
        "short_notice_agreement": item.short_notice_agreement,
        "by": person(item.by),
        "at": item.at,
    }


def hearing(item: Hearing) -> dict[str, Any]:
    kept = item.record if item.held else None
    return {
        "id": item.pk,
        "status": "held" if kept is not None else "scheduled",
        "starts_at": item.starts_at_now,
        "first_starts_at": item.starts_at,
        "place": item.place_now,
        "panel": [person(p.user) for p in item.panelists.all()],
        "scheduled_by": person(item.scheduled_by),
        "scheduled_at": item.scheduled_at,
        "short_notice_agreement": item.short_notice_agreement,
        "adjournments": [adjournment(a) for a in item.adjournments_in_order],
        "record": None
        if kept is None
        else {
            "held_at": kept.held_at,
            "respondent_attended": kept.respondent_attended,
            "representation": kept.representation,
            "account": kept.account,
            "outcome": kept.outcome,
            "recording_made": kept.recording_made,
            "others_present": list(kept.others_present),
            "recorded_by": person(kept.recorded_by),
            "recorded_at": kept.recorded_at,
        },
        "consents": [
            {
                "id": c.pk,
                "person": c.person,
                "answer": c.answer,
                "scope": c.scope,
                "given_at": c.given_at,
                "recorded_by": person(c.recorded_by),
                "recorded_at": c.recorded_at,
            }
            for c in hearing_consents_of(item)
        ],
    }


def hearings(state: HearingState, notices: list[Letter]) -> dict[str, Any]:
    return {
        "stage": state.rules.stage,
        "notice_days": state.rules.notice_days,
        "recordings_allowed": state.rules.recordings_allowed,
        "at_stage": state.at_stage,
        "hearings": [hearing(h) for h in state.hearings],
        "notices": [
            {
                "letter": n.pk,
                "trigger": n.trigger,
                "recipient_role": n.recipient_role,
                "status": n.status,
                "at": n.created_at,
            }
            for n in notices
        ],
    }


def panel(item: PanelConstitution) -> dict[str, Any]:
    from dueprocess.cases.services.panels import redraw
    from dueprocess.ledger.record import actor_pseudonym

    drawn = item.method == "drawn"
    return {
        "id": item.pk,
        "stage": item.stage,
        "method": item.method,
        "reason": item.reason,
        "checkpoint_size": item.checkpoint_size,
        "checkpoint_root": item.checkpoint_root,
        "seed": item.seed,
        "pool": item.pool,
        "members": [
            {
                "seat": m.seat,
                "chair": m.chair,
                "person": person(m.user),
                "key": actor_pseudonym(m.user),
            }
            for m in item.members_in_order
        ],
        "constituted_by": person(item.constituted_by),
        "constituted_at": item.constituted_at,
        "same_panel": redraw(item).ok if drawn else None,
    }


def panels(state: PanelState) -> dict[str, Any]:
    rules = state.rules
    return {
        "rules": None
        if rules is None
        else {
            "stages": list(rules.stages),
            "selection": rules.selection,
            "quorum": rules.quorum,
            "seats": [
                {"key": s.key, "label": s.label, "count": s.count, "training": s.training}
                for s in rules.seats
            ],
        },
        "panels": [panel(p) for p in state.panels],
    }


def review(item: ReviewView) -> dict[str, Any]:
    data = dataclasses.asdict(item)
    data.pop("reviewer_ids")
    data["in_effect"] = item.in_effect
    return data


def reviews(state: ReviewsState) -> dict[str, Any]:
    pending = state.open_review
    return {
        "declared": state.declared,
        "review_days": state.review_days,
        "on_lapse": state.on_lapse,
        "open_review": pending.id if pending else None,
        "reviews": [review(r) for r in state.reviews],
    }


def appeal(item: AppealView) -> dict[str, Any]:
    return dataclasses.asdict(item)


def appeals(state: AppealsState) -> dict[str, Any]:
    return {
        "declared": state.declared,
        "step": state.step,
        "grounds": [{"key": key, "label": label} for key, label in state.grounds],
        "window_closes_on": state.window_closes_on,
        "open_appeal": state.open_appeal,
        "appeals": [appeal(a) for a in state.appeals],
    }
