"""What is held about the subject (``data.json``) and what is withheld from them, with why
(``withheld.json``).

Given: their own rows (party rows, the register entry, the staff account, its roles, training,
declarations, appointments and recusals), what they sent (their complaint, messages, written
response, appeals, the files' particulars), what was sent to them (messages, letters,
feedback, notices), and — for a respondent — what was decided about them (decisions, appeal
outcomes, interim measures, hearings) and the allegations as their own notice shows them
(staff-marked passages as "[redacted]").

Withheld, each with its reason: other people's identities on their cases (third parties' data;
for an anonymous complainant, that they asked to stay anonymous), redacted passages, evidence
the rulebook does not show the respondent or that staff withheld (with the reason recorded for
it), the case team's working records (notes, interviews, recommendations, advice — the data
model does not mark legal privilege, so all advice is withheld as possibly privileged), and
the names of staff (shown by pseudonym and role in ``views.json``). Withheld things are named
by kind and count, never by content.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dueprocess.accounts.models import User
from dueprocess.cases.models import (
    AdviceRequest,
    Allegation,
    Appeal,
    Case,
    Decision,
    EvidenceItem,
    Hearing,
    InterimMeasure,
    Note,
    Party,
    Recommendation,
)
from dueprocess.evidence.models import Interview
from dueprocess.letters.models import FeedbackGiven, Letter, Notice
from dueprocess.members.models import Member
from dueprocess.parties.models import EvidenceWithholding, Message, PartyFile, WrittenResponse
from dueprocess.parties.redactions import passages_withheld, redacted, respondent_evidence
from dueprocess.privacy.subjects import Subject

Json = dict[str, Any]


def when(moment: dt.datetime | dt.date | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def member_json(member: Member) -> Json:
    return {
        "number": member.number,
        "full_name": member.full_name,
        "email": member.email,
        "postcode": member.postcode,
        "status": member.status,
        "joined_on": when(member.joined_on),
        "elected_office": member.elected_office,
    }


def party_json(party: Party) -> Json:
    return {
        "role": party.role,
        "name": party.name,
        "email": party.email,
        "anonymous": party.anonymous,
        "elected_office": party.elected_office,
        "member_number": party.member.number if party.member else None,
        "member_link": (party.member_match or "suggested") if party.member else None,
    }


def staff_json(user: User) -> Json:
    return {
        "email": user.email,
        "full_name": user.full_name,
        "active": user.is_active,
        "joined": when(user.date_joined),
        "roles": [
            {
                "role": r.role,
                "unit": r.unit.name if r.unit else None,
                "starts_on": when(r.starts_on),
                "ends_on": when(r.ends_on),
            }
            for r in user.roles.select_related("unit").order_by("starts_on", "pk")
        ],
        "training": [
            {
                "course": t.course,
                "completed_on": when(t.completed_on),
                "expires_on": when(t.expires_on),
            }
            for t in user.training.order_by("completed_on", "pk")
        ],
        "declared_interests": [
            {
                "kind": i.kind,
                "description": i.description,
                "starts_on": when(i.starts_on),
                "ends_on": when(i.ends_on),
                "declared_at": when(i.declared_at),
                "reviewed_at": when(i.reviewed_at),
                "outcome": i.outcome,
            }
            for i in user.interests.order_by("declared_at", "pk")
        ],
        "appointments": [
            {
                "case": a.case.reference,
                "role": a.role,
                "assigned_at": when(a.assigned_at),
                "ended_at": when(a.ended_at),
            }
            for a in user.assignments.select_related("case").order_by("assigned_at", "pk")
        ],
        "recusals": [
            {
                "case": r.case.reference,
                "source": r.source,
                "reason": r.reason,
                "at": when(r.recorded_at),
            }
            for r in user.recusals.select_related("case").order_by("recorded_at", "pk")
        ],
        "notices": [
            {"case": n.case.reference, "kind": n.kind, "due_on": when(n.due_on), "text": n.text}
            for n in Notice.objects.filter(person=user)
            .select_related("case")
            .order_by("created_at", "pk")
        ],
        "digests": Letter.objects.filter(person=user).count(),
    }


def _allegations(case: Case, *, as_respondent: bool) -> list[Json]:
    marked = passages_withheld(case) if as_respondent else {}
    return [
        {
            "category": a.category,
            "occurred_on": when(a.occurred_on),
            "summary": redacted(a.summary, marked.get(a.pk, [])),
        }
        for a in Allegation.objects.filter(case=case).order_by("created_at", "pk")
    ]


def _letters(party: Party) -> list[Json]:
    return [
        {
            "written_at": when(letter.created_at),
            "template": letter.template,
            "subject": letter.subject,
            "status": letter.status,
            "sent_at": when(letter.sent_at),
            "text": letter.text,
        }
        for letter in Letter.objects.filter(party=party).order_by("created_at", "pk")
    ]


def _messages(party: Party) -> list[Json]:
    return [
        {
            "direction": m.direction,
            "sent_at": when(m.sent_at),
            "read_by_you_at": when(m.read_by_party_at),
            "body": m.body,
        }
        for m in Message.objects.filter(access__party=party).order_by("sent_at", "pk")
    ]


def _sent(party: Party) -> Json:
    response = WrittenResponse.objects.filter(access__party=party).first()
    return {
        "messages": _messages(party),
        "written_response": None
        if response is None
        else {"submitted_at": when(response.submitted_at), "body": response.body},
        "files_sent": [
            {
                "received_at": when(f.received_at),
                "media_type": f.media_type,
                "sha256": f.sha256,
                "size_bytes": f.size_bytes,
            }
            for f in PartyFile.objects.filter(access__party=party).order_by("received_at", "pk")
        ],
        "letters": _letters(party),
    }


def _about_respondent(case: Case) -> Json:
    """What was decided about a respondent: decisions, appeals, measures, hearings."""
    return {
        "allegations": _allegations(case, as_respondent=True),
        "evidence_in_your_file": [
            {
                "number": shown.number,
                "title": shown.item.title,
                "kind": shown.item.kind,
                "received_at": when(shown.item.received_at),
            }
            for shown in respondent_evidence(case)
            if shown.item is not None
        ],
        "decisions": [
            {
                "kind": d.kind,
                "finding": d.finding,
                "sanctions": d.sanctions,
                "reasons": d.reasons,
                "decided_at": when(d.decided_at),
                "warning_expires_on": when(d.warning_expires_on),
            }
            for d in Decision.objects.filter(case=case).order_by("decided_at", "pk")
        ],
        "appeals": [
            {
                "ground": a.ground,
                "statement": a.statement,
                "lodged_at": when(a.lodged_at),
                "result": getattr(getattr(a, "outcome", None), "result", None),
            }
            for a in Appeal.objects.filter(case=case).order_by("lodged_at", "pk")
        ],
        "interim_measures": [
            {
                "kind": m.kind,
                "ground": m.ground,
                "reasons": m.reasons,
                "imposed_at": when(m.imposed_at),
                "review_on": when(m.review_on),
                "lifted_at": when(m.lifted_at),
            }
            for m in InterimMeasure.objects.filter(case=case).order_by("imposed_at", "pk")
        ],
        "hearings": [
            {"starts_at": when(h.starts_at), "place": h.place}
            for h in Hearing.objects.filter(case=case).order_by("starts_at", "pk")
        ],
    }


def case_json(case: Case, parties: list[Party]) -> Json:
    roles = sorted({p.role for p in parties})
    held: Json = {
        "reference": case.reference,
        "category": case.category,
        "stage": case.stage,
        "received_at": when(case.received_at),
        "closed_at": when(case.closed_at),
        "you_are": roles,
        "your_party_rows": [party_json(p) for p in parties],
        "sent_and_received": [_sent(p) for p in parties],
    }
    if Party.Role.COMPLAINANT in roles:
        held["your_complaint"] = {
            "summary": case.summary,
            "allegations": _allegations(case, as_respondent=False),
        }
        held["feedback_to_you"] = [
            {"at": when(f.at), "text": f.text}
            for f in FeedbackGiven.objects.filter(case=case).order_by("at", "pk")
        ]
    if Party.Role.RESPONDENT in roles:
        held["about_you_as_respondent"] = _about_respondent(case)
    return held


def held_data(subject: Subject) -> Json:
    return {
        "register": [member_json(m) for m in subject.members],
        "staff_account": staff_json(subject.staff) if subject.staff else None,
        "cases": [case_json(case, subject.parties_on(case)) for case in subject.cases],
    }


# -- withheld --------------------------------------------------------------------------------

STAFF_NAMES = (
    "The names of staff who handled your cases or read your data: staff's own personal data."
    " Each reader is shown in views.json by the pseudonym the ledger records for them and the"
    " role they acted in, which the proof bundles prove."
)
NOTES = (
    "The case team's working notes: records of the investigation, which may hold other"
    " people's data and are not written for disclosure."
)
INTERVIEWS = "Interviews with other people: their statements are their personal data."
RECOMMENDATIONS = (
    "The investigator's recommendation to the decision-maker, a working record of the case"
    " team; the decision and its reasons are given."
)
ADVICE = (
    "Advice asked of people outside the case team: it may be legally privileged. The data"
    " model does not mark privilege, so every advice request is withheld and counted."
)
SUMMARY = (
    "The complaint in its own words, which may identify the complainant; the allegations are"
    " given as the respondent's notice of them shows them."
)
REDACTED = (
    "A passage the case team marked to withhold from the respondent (such as a witness's name"
    " or a detail that would identify the complainant); it is shown as [redacted]."
)
EVIDENCE_KIND = (
    "Evidence of a kind the organisation's rulebook does not show the respondent, gathered by"
    " the investigation; it may hold other people's data."
)
EVIDENCE_OTHER = "Evidence gathered by the investigation: it may hold other people's data."


def _other_party(party: Party) -> Json:
    reason = "Another person's identity and contact details: a third party's data."
    if party.anonymous:
        reason = "The complainant asked to stay anonymous: their identity is never disclosed."
    return {"what": f"the identity of the {party.get_role_display().lower()}", "reason": reason}


def _counted(what: str, count: int, reason: str) -> list[Json]:
    return [{"what": what, "count": count, "reason": reason}] if count else []


def _evidence(case: Case, as_respondent: bool) -> list[Json]:
    """For a respondent: each item staff withheld from them, with the reason recorded for it,
    and a count of the items of kinds the rulebook does not show them; for anyone else, a count
    of the case's evidence."""
    items = EvidenceItem.objects.filter(case=case)
    if not as_respondent:
        return _counted("evidence items", items.count(), EVIDENCE_OTHER)
    held = list(
        EvidenceWithholding.objects.filter(case=case, release__isnull=True).order_by(
            "withheld_at", "pk"
        )
    )
    kinds = case.rulebook.rules.parties.respondent_evidence
    unseen = items.exclude(kind__in=kinds).exclude(pk__in=[h.item_id for h in held]).count()
    found = [
        {
            "what": "an evidence item withheld from the respondent",
            "withheld_at": when(h.withheld_at),
            "reason": h.reason,
        }
        for h in held
    ]
    return found + _counted("evidence items", unseen, EVIDENCE_KIND)


def withheld_from_case(case: Case, parties: list[Party]) -> list[Json]:
    roles = {p.role for p in parties}
    mine = {p.pk for p in parties}
    as_respondent = Party.Role.RESPONDENT in roles
    found = [_other_party(p) for p in case.parties.exclude(pk__in=mine).order_by("role", "pk")]
    if Party.Role.COMPLAINANT not in roles:
        found.append({"what": "the complaint's own words", "reason": SUMMARY})
    if as_respondent:
        count = sum(len(v) for v in passages_withheld(case).values())
        found += _counted("redacted passages of the allegations", count, REDACTED)
    found += _evidence(case, as_respondent)
    found += _counted("notes", Note.objects.filter(case=case).count(), NOTES)
    found += _counted("interviews", Interview.objects.filter(case=case).count(), INTERVIEWS)
    recommendations = Recommendation.objects.filter(case=case).count()
    found += _counted("recommendations", recommendations, RECOMMENDATIONS)
    advice = AdviceRequest.objects.filter(case=case).count()
    found += _counted("advice requests", advice, ADVICE)
    return [{"case": case.reference, **item} for item in found]


def withheld_items(subject: Subject) -> list[Json]:
    found = [
        item
        for case in subject.cases
        for item in withheld_from_case(case, subject.parties_on(case))
    ]
    if found or subject.staff:
        found.append({"case": None, "what": "the names of staff", "reason": STAFF_NAMES})
    return found
