"""Examples shown in the OpenAPI document (fictional people of the demo organisation).

A test checks each example against the schema it illustrates, so they cannot drift apart.
"""

from __future__ import annotations

from typing import Any

REFERENCE = "C-2026-00042"
PERSON = {"name": "Sam Okafor", "email": "sam@northmoor.example"}
MANAGER = {"name": "Morgan Ellery", "email": "morgan@northmoor.example"}
PANEL_CHAIR = {"name": "Judith Amankwah", "email": "judith@northmoor.example"}

CASE_ITEM: dict[str, Any] = {
    "reference": REFERENCE,
    "unit": "complaints",
    "category": "antisemitism",
    "category_label": "Antisemitism",
    "stage": "investigation",
    "stage_label": "Investigation",
    "received_at": "2026-03-02T10:15:00Z",
    "stage_due_on": "2026-04-20",
    "overdue": False,
    "closed_at": None,
}
STATE: dict[str, Any] = {
    "reference": REFERENCE,
    "category": "antisemitism",
    "stage": "received",
    "stage_label": "Received",
    "version": 1,
    "received_at": "2026-03-02T10:15:00Z",
    "stage_due_on": "2026-03-09",
    "closed_at": None,
}
NOTE: dict[str, Any] = {
    "id": 31,
    "author": PERSON,
    "body": "Interviewed the complainant by video call; notes filed.",
    "created_at": "2026-03-20T16:05:00Z",
}
INTERVIEW_IN: dict[str, Any] = {
    "interviewee": "Odile Brennan",
    "held_at": "2026-03-05T10:00:00Z",
    "statement": "I saw the post on the morning it went up.",
    "statement_agreed": True,
}
INTERVIEW: dict[str, Any] = {"id": 1, "interviewer": PERSON, **INTERVIEW_IN}
CONSENT_IN: dict[str, Any] = {
    "person": "Odile Brennan",
    "scope": "Audio recording of her interview of 5 March.",
    "given_at": "2026-03-05T09:55:00Z",
}
CONSENT: dict[str, Any] = {
    "id": 1,
    "purpose": "recording",
    "interview": 1,
    "recorded_by": PERSON,
    **CONSENT_IN,
}
REDACTION: dict[str, Any] = {
    "id": 4,
    "allegation": 7,
    "passage": "in front of Dana Witness",
    "reason": "Names a witness who has not agreed to be named to the respondent.",
    "marked_by": PERSON,
    "marked_at": "2026-03-21T09:30:00Z",
    "withdrawn": None,
}
REDACTION_WITHDRAWN: dict[str, Any] = REDACTION | {
    "withdrawn": {
        "by": PERSON,
        "at": "2026-03-28T14:00:00Z",
        "reason": "The witness has agreed to be named to the respondent.",
    }
}
ASSIGNMENT: dict[str, Any] = {
    "id": 12,
    "person": PERSON,
    "role": "investigator",
    "assigned_at": "2026-03-10T09:00:00Z",
    "ended_at": None,
    "end_reason": "",
}
MEASURE: dict[str, Any] = {
    "id": 4,
    "kind": "administrative_suspension",
    "ground": "risk_to_investigation",
    "reasons": "Witnesses report being contacted by the respondent.",
    "imposed_by": MANAGER,
    "imposed_at": "2026-03-12T12:00:00Z",
    "review_on": "2026-04-09",
    "active": True,
    "lifted_at": None,
    "lift_reason": "",
}
RECOMMENDATION: dict[str, Any] = {
    "number": 1,
    "author": PERSON,
    "finding": "breach",
    "sanctions": ["formal_warning", "education_course"],
    "factors": ["no_prior_record"],
    "reasons": "The post is admitted and its meaning is plain.",
    "submitted_at": "2026-04-01T14:00:00Z",
    "supersedes": None,
}
DECISION: dict[str, Any] = {
    "id": 7,
    "kind": "panel",
    "transition": "decide",
    "finding": "breach",
    "sanctions": ["formal_warning", "education_course"],
    "ground": "",
    "reasons": "The panel adopts the recommendation.",
    "recommendation": 1,
    "departs": False,
    "direction": "none",
    "outside_guideline": False,
    "decided_by": PANEL_CHAIR,
    "decided_at": "2026-04-20T11:00:00Z",
    "warning_expires_on": "2027-10-20",
    "votes": [],
    "sealed": False,
    "announced_at": None,
}
STEP: dict[str, Any] = {
    "key": "lodge_appeal",
    "label": "Lodge an appeal",
    "kind": "move",
    "target": "appeal",
    "reasons": "required",
    "endpoint": f"/api/v1/cases/{REFERENCE}/transitions/lodge_appeal",
}
DETAIL: dict[str, Any] = STATE | {
    "stage": "notified",
    "stage_label": "Notified (appeal window)",
    "version": 9,
    "stage_due_on": "2026-05-12",
    "unit": "complaints",
    "category_label": "Antisemitism",
    "summary": "A post repeating an antisemitic conspiracy trope.",
    "source": "email",
    "acknowledge_by": "2026-03-09",
    "acknowledged_at": "2026-03-03T08:40:00Z",
    "feedback_by": "2026-06-02",
    "overdue": False,
    "viewer_role": "case_manager",
    "parties": [
        {
            "id": 11,
            "role": "complainant",
            "name": "Anonymous complainant",
            "anonymous": True,
            "member_number": None,
            "member_match": None,
            "elected_office": "",
        },
        {
            "id": 12,
            "role": "respondent",
            "name": "Rex Example",
            "anonymous": False,
            "member_number": "NM-004211",
            "member_match": "confirmed",
            "elected_office": "",
        },
    ],
    "allegations": [
        {
            "id": 7,
            "category": "antisemitism",
            "summary": "Shared the post on 3 March.",
            "occurred_on": "2026-03-03",
            "source": "screenshot",
        }
    ],
    "assignments": [ASSIGNMENT],
    "interim_measures": [],
    "recommendations": [RECOMMENDATION],
    "decisions": [DECISION],
    "notes": [NOTE],
    "evidence": [],
    "interviews": [INTERVIEW],
    "consents": [CONSENT],
    "history": [
        {
            "from_stage": "decided",
            "to_stage": "notified",
            "transition": "notify",
            "by": MANAGER,
            "reason": "",
            "at": "2026-04-21T09:00:00Z",
        }
    ],
    "steps": [STEP],
    "duplicate_of": None,
    "repeated_by": ["C-2026-00051"],
    "possible_duplicates": [],
    "sealed_decisions": [],
}
MEMBER: dict[str, Any] = {
    "number": "NM-004211",
    "full_name": "Rex Example",
    "email": "rex@example.org",
    "postcode": "NM1 4AB",
    "status": "active",
    "joined_on": "2019-05-01",
    "elected_office": "",
}
CHECKPOINT = (
    "dueprocess.invalid/ledger/v1\n4182\nq8m0b3Xr1Yl5gk4X7wq3m9h6uXb0QxJ0m1nVQ8cE2d4=\n\n"
    "— dueprocess.invalid/ledger/v1 Az3bXw…\n"
)
EVIDENCE: dict[str, Any] = {
    "id": 9,
    "title": "Screenshot of the branch group post",
    "kind": "screenshot",
    "description": "Sent by the complainant; the post was deleted on 5 March.",
    "sha256": "9f2c4b1e8d7a6f5e4c3b2a1908f7e6d5c4b3a29180f7e6d5c4b3a2918f7e6d5c",
    "size_bytes": 184320,
    "received_at": "2026-03-04T11:20:00Z",
    "added_by": PERSON,
    "withheld": None,
}
EVIDENCE_WITHHELD: dict[str, Any] = EVIDENCE | {
    "id": 10,
    "withheld": {
        "id": 2,
        "by": PERSON,
        "at": "2026-03-21T09:40:00Z",
        "reason": "Shows a witness who has not agreed to be named to the respondent.",
    },
}
RECUSAL: dict[str, Any] = {
    "person": PERSON,
    "source": "declared",
    "reason": "The respondent is my brother-in-law.",
    "recorded_at": "2026-03-11T08:30:00Z",
}
APPROACH: dict[str, Any] = {
    "id": 3,
    "approached_by": "Alex Doe, Leader's office",
    "from_political_office": True,
    "channel": "phone",
    "occurred_at": "2026-03-14T17:45:00Z",
    "what_was_asked": "Whether a warning letter would be enough, given the selection meeting.",
    "direction": "lighter",
    "logged_by": PERSON,
    "logged_at": "2026-03-14T18:10:00Z",
}
ADVISER = {"name": "Felix Hartley", "email": "felix@northmoor.example"}
ADVICE_REQUEST: dict[str, Any] = {
    "id": 5,
    "requested_by": MANAGER,
    "adviser": ADVISER,
    "question": "Is the respondent on a shortlist for selection this spring?",
    "extract": "The respondent is a branch officer in Northmoor East.",
    "requested_at": "2026-03-18T10:00:00Z",
    "answer": "No selection is open in that seat before 2027.",
    "answered_at": "2026-03-19T15:30:00Z",
    "closed_at": None,
}
ADVICE_INBOX_ITEM: dict[str, Any] = {
    "id": 5,
    "requested_by": MANAGER["name"],
    "requested_at": "2026-03-18T10:00:00Z",
    "answered": False,
}
ADVICE_BRIEF: dict[str, Any] = {
    "id": 5,
    "requested_by": MANAGER["name"],
    "requested_at": "2026-03-18T10:00:00Z",
    "question": ADVICE_REQUEST["question"],
    "extract": ADVICE_REQUEST["extract"],
    "answer": "",
    "answered_at": None,
}
ADVICE_ANSWER: dict[str, Any] = {
    "id": 5,
    "answer": ADVICE_REQUEST["answer"],
    "answered_at": ADVICE_REQUEST["answered_at"],
}
SIGNOFF_ITEM: dict[str, Any] = {
    "id": 2,
    "label": "Leader's sign-off to suspend an elected representative",
    "requested_at": "2026-03-12T12:00:00Z",
    "due_on": "2026-03-14",
    "delayed": False,
}
SIGNOFF_BRIEF: dict[str, Any] = SIGNOFF_ITEM | {
    "brief": (
        "Leader's sign-off to suspend an elected representative. Measure: Administrative "
        "suspension, in force from 12 March 2026. Ground: Risk to the investigation. "
        "Respondent: Rex Example (councillor). Review date: 09 April 2026."
    )
}
SIGNOFF: dict[str, Any] = {
    "id": 2,
    "label": SIGNOFF_ITEM["label"],
    "status": "signed",
    "reasons": "The ground is made out; the suspension is proportionate.",
    "delay_reasons": "",
    "answered_late": False,
    "recorded_at": "2026-03-13T09:15:00Z",
}
EMERGENCY_ACCESS: dict[str, Any] = {
    "id": 8,
    "reference": REFERENCE,
    "requester": {"name": "Rhiannon Pryce", "email": "rhiannon@northmoor.example"},
    "reason": "The investigator is in hospital and the interview notice must go out today.",
    "requested_at": "2026-03-20T08:05:00Z",
    "status": "pending",
    "decided_by": None,
    "approved_at": None,
    "expires_at": None,
    "refused_at": None,
}
EMERGENCY_APPROVED: dict[str, Any] = EMERGENCY_ACCESS | {
    "status": "approved",
    "decided_by": MANAGER,
    "approved_at": "2026-03-20T08:20:00Z",
    "expires_at": "2026-03-20T12:20:00Z",
}
EMERGENCY_REFUSED: dict[str, Any] = EMERGENCY_ACCESS | {
    "status": "refused",
    "decided_by": MANAGER,
    "refused_at": "2026-03-20T08:20:00Z",
}
MESSAGE: dict[str, Any] = {
    "id": 12,
    "party": 3,
    "party_role": "complainant",
    "direction": "to_party",
    "body": "Were there witnesses to what happened at the meeting?",
    "author": {"name": "Morgan Ellery", "email": "morgan@northmoor.example"},
    "sent_at": "2026-03-04T10:00:00Z",
    "read_by_party_at": None,
}
PARTY_FILE: dict[str, Any] = {
    "id": 5,
    "party": 3,
    "party_role": "complainant",
    "filename": f"{REFERENCE}-party-file-5.pdf",
    "media_type": "application/pdf",
    "size_bytes": 48213,
    "sha256": "4a7d1ed414474e4033ac29ccb8653d9b4a7d1ed414474e4033ac29ccb8653d9b",
    "received_at": "2026-03-06T18:02:00Z",
    "message": 14,
    "note": "The minutes of the branch meeting, as I promised.",
}
THREAD: dict[str, Any] = {
    "parties": [{"id": 3, "role": "complainant", "active": True}],
    "messages": [MESSAGE],
}
NEVER: dict[str, Any] = {"count": 0, "first": None, "last": None}
PARTIES_SEEN: dict[str, Any] = {
    "parties": [
        {
            "id": 3,
            "role": "complainant",
            "active": True,
            "issued_at": "2026-03-02T08:55:00Z",
            "revoked_at": None,
            "letters": [
                {
                    "id": 7,
                    "subject": "Your complaint C-2026-00042 has been received",
                    "template": "acknowledgement",
                    "status": "sent",
                    "written_at": "2026-03-02T09:00:00Z",
                    "sent_at": "2026-03-02T09:01:00Z",
                    "downloaded": {
                        "count": 1,
                        "first": "2026-03-03T18:20:00Z",
                        "last": "2026-03-03T18:20:00Z",
                    },
                }
            ],
            "messages": [
                {"id": 12, "sent_at": "2026-03-04T10:00:00Z", "read_at": "2026-03-04T19:12:00Z"}
            ],
            "visits": {"count": 2, "first": "2026-03-03T18:19:00Z", "last": "2026-03-04T19:12:00Z"},
            "allegations": NEVER,
            "outcome": NEVER,
            "letters_downloaded": {
                "count": 1,
                "first": "2026-03-03T18:20:00Z",
                "last": "2026-03-03T18:20:00Z",
            },
        }
    ]
}
LETTER: dict[str, Any] = {
    "id": 7,
    "template": "acknowledgement",
    "trigger": "acknowledge",
    "subject": "Your complaint C-2026-00042 has been received",
    "recipient_role": "complainant",
    "recipient": "p_3f9a1c0d2b7e4a65",
    "status": "sent",
    "content_sha256": "9b1f0c2d4e6a8b0c1d2e3f405162738495a6b7c8d9e0f1a2b3c4d5e6f708192a",
    "message_id": "<letter.5d41402abc4b2a76b9719d911017c592@northmoor.example>",
    "attempts": 1,
    "created_at": "2026-03-02T09:00:00Z",
    "sent_at": "2026-03-02T09:01:00Z",
    "bounced_at": None,
    "pdf": "/api/v1/cases/C-2026-00042/letters/7/pdf",
}
SUMMARY_REVIEW: dict[str, Any] = {
    "verdict": "approved",
    "reason": "",
    "by": MANAGER,
    "at": "2026-06-03T09:00:00Z",
}
SUMMARY_VERSION: dict[str, Any] = {
    "version": 1,
    "text": "A member shared a post repeating an antisemitic trope. The panel found a breach; "
    "an early apology lightened the sanction.",
    "written_by": PERSON,
    "written_at": "2026-06-02T15:00:00Z",
    "review": None,
}
SUMMARY_STATE: dict[str, Any] = {
    "status": "pending",
    "open": True,
    "decision": {"kind": "panel", "decided_at": "2026-05-30T11:00:00Z"},
    "versions": [SUMMARY_VERSION],
}
FEEDBACK: dict[str, Any] = {
    "id": 3,
    "text": "The investigation is under way; the investigator expects to report in April.",
    "by": MANAGER,
    "at": "2026-05-28T10:00:00Z",
}
NOTICE: dict[str, Any] = {
    "reference": "C-2026-00042",
    "kind": "reminder",
    "deadline": "interim_review",
    "due_on": "2026-04-09",
    "text": "C-2026-00042: the review of administrative suspension is due (due 2026-04-09)",
    "created_at": "2026-04-06T06:00:00Z",
}

ADJOURNMENT: dict[str, Any] = {
    "id": 2,
    "reason": "The respondent's representative is unavailable on the first date.",
    "starts_at": "2026-07-09T10:30:00Z",
    "place": "",
    "short_notice_agreement": "",
    "by": MANAGER,
    "at": "2026-06-20T09:00:00Z",
}
HEARING_RECORD: dict[str, Any] = {
    "held_at": "2026-07-09T10:30:00Z",
    "respondent_attended": True,
    "representation": "a friend",
    "account": "The respondent answered each allegation; the complainant gave evidence.",
    "outcome": "The panel will decide within seven days.",
    "recording_made": False,
    "others_present": [],
    "recorded_by": PERSON,
    "recorded_at": "2026-07-09T15:00:00Z",
}
HEARING: dict[str, Any] = {
    "id": 1,
    "status": "scheduled",
    "starts_at": "2026-06-25T10:30:00Z",
    "first_starts_at": "2026-06-25T10:30:00Z",
    "place": "Room 4, 12 Market Street, Northmoor",
    "panel": [PERSON],
    "scheduled_by": MANAGER,
    "scheduled_at": "2026-06-04T09:00:00Z",
    "short_notice_agreement": "",
    "adjournments": [],
    "record": None,
    "consents": [],
}
HEARING_ADJOURNED: dict[str, Any] = HEARING | {
    "starts_at": ADJOURNMENT["starts_at"],
    "adjournments": [ADJOURNMENT],
}
HEARING_HELD: dict[str, Any] = HEARING_ADJOURNED | {"status": "held", "record": HEARING_RECORD}
HEARINGS: dict[str, Any] = {
    "stage": "hearing",
    "notice_days": 14,
    "recordings_allowed": False,
    "at_stage": True,
    "hearings": [HEARING],
    "notices": [
        {
            "letter": 17,
            "trigger": "hearing_scheduled",
            "recipient_role": "respondent",
            "status": "sent",
            "at": "2026-06-04T09:00:00Z",
        }
    ],
}


PANEL_RULES: dict[str, Any] = {
    "stages": ["conduct_panel"],
    "selection": "draw",
    "quorum": 2,
    "seats": [
        {"key": "chair", "label": "Legally qualified chair", "count": 1,
         "training": "Legally qualified chair"},
        {"key": "lay", "label": "Lay member", "count": 2, "training": ""},
    ],
}  # fmt: skip
PANEL: dict[str, Any] = {
    "id": 1,
    "stage": "conduct_panel",
    "method": "drawn",
    "reason": "",
    "checkpoint_size": 118,
    "checkpoint_root": "3mV1b0o0yq3cY1m2T2H5m8bP2Zr2Zf0y2m7l9s2k4aQ=",
    "seed": "5c1e4b8f0d2a9e7c3b6f1a8d4e2c9b7a5f3e1d8c6b4a2f0e9d7c5b3a1f8e6d4c",
    "pool": {"chair": ["a1f0…"], "lay": ["0b7e…", "5d2c…", "c9a4…"]},
    "members": [
        {"seat": "chair", "chair": True, "person": PERSON, "key": "a1f0…"},
        {"seat": "lay", "chair": False, "person": MANAGER, "key": "5d2c…"},
    ],
    "constituted_by": MANAGER,
    "constituted_at": "2026-06-04T09:00:00Z",
    "same_panel": True,
}
PANELS: dict[str, Any] = {"rules": PANEL_RULES, "panels": [PANEL]}


APPEAL: dict[str, Any] = {
    "id": 3,
    "ground": "new_evidence",
    "ground_label": "New evidence that could not reasonably have been given before",
    "statement": "A witness has come forward who saw who shared the post.",
    "lodged_by": "Dana Head",
    "lodged_at": "2026-05-02T10:00:00Z",
    "window_closes_on": "2026-05-12",
    "against": 7,
    "against_summary": "Breach of the rules (formal_warning), 20 April 2026",
    "result": "",
    "reasons": "",
    "decision": None,
    "decided_at": None,
}
APPEAL_DECIDED: dict[str, Any] = APPEAL | {
    "result": "replaced",
    "reasons": "The new witness shows the respondent did not share the post.",
    "decision": 9,
    "decided_at": "2026-06-01T15:00:00Z",
}
REVIEW: dict[str, Any] = {
    "id": 4,
    "decision": 9,
    "decision_summary": "Breach of the rules (suspension), 1 June 2026",
    "stage": "appeal",
    "stage_label": "Appeal",
    "opened_at": "2026-06-01T15:00:00Z",
    "due_on": "2026-06-15",
    "reviewers": ["Ines Carvalho"],
    "status": "pending",
    "in_effect": False,
    "reasons": "",
    "decided_by": "",
    "decided_at": None,
}
REVIEW_VETOED: dict[str, Any] = REVIEW | {
    "status": "vetoed",
    "reasons": "The panel did not consider the respondent's written response.",
    "decided_by": "Ines Carvalho",
    "decided_at": "2026-06-05T11:00:00Z",
}
REVIEW_VERIFIED: dict[str, Any] = REVIEW | {
    "status": "verified",
    "in_effect": True,
    "decided_by": "Ines Carvalho",
    "decided_at": "2026-06-05T11:00:00Z",
}
REVIEWS: dict[str, Any] = {
    "declared": True,
    "review_days": 14,
    "on_lapse": "takes_effect",
    "open_review": 4,
    "reviews": [REVIEW],
}
APPEALS: dict[str, Any] = {
    "declared": True,
    "step": "request_review",
    "grounds": [{"key": "new_evidence", "label": APPEAL["ground_label"]}],
    "window_closes_on": None,
    "open_appeal": 3,
    "appeals": [APPEAL],
}
