"""The access policy as data: forbids first, then narrow permits, then default deny.

A permit says: a person holding ``role`` who stands in ``relation`` to a case may take
``actions`` on it. Relations are computed from the data (``facts``). Forbids always win:
the political office never reaches a case file; anyone recused or conflicted is kept out of
that case; nobody reaches another organisation's cases. ``decide`` is a pure function so that
the written matrix in ``tests/access`` can check every combination of it.
"""

from __future__ import annotations

from dataclasses import dataclass

from dueprocess.rulebook.schema import StaffRole

# Relations a person can stand in to a case.
SAME_ORGANISATION = "same_organisation"
UNIT_MANAGER = "unit_manager"
INTAKE_QUEUE = "intake_queue"
ASSIGNED_INVESTIGATOR = "assigned_investigator"
PANEL_MEMBER = "panel_member"
ADVISER = "adviser"
SIGNER = "signer"  # holds the role a pending sign-off on this case asks for
EMERGENCY = "emergency"
RECUSED = "recused"
CONFLICTED = "conflicted"
CONFLICT_WITH_CASE = "conflict_with_case"  # a conflict with this very case, not only a standing one
#: Took part in an earlier decision on this case: decided it, sat on its panel, wrote the
#: recommendation it rested on, or investigated. Forbids only ``case.redecide``.
FIRST_INSTANCE = "first_instance"
#: Drawn as an independent reviewer of a decision on this case whose review is still open.
DRAWN_REVIEWER = "drawn_reviewer"

RELATIONS = (
    SAME_ORGANISATION,
    UNIT_MANAGER,
    INTAKE_QUEUE,
    ASSIGNED_INVESTIGATOR,
    PANEL_MEMBER,
    ADVISER,
    SIGNER,
    EMERGENCY,
    RECUSED,
    CONFLICTED,
    CONFLICT_WITH_CASE,
    FIRST_INSTANCE,
    DRAWN_REVIEWER,
)
FORBIDDING_RELATIONS = (RECUSED, CONFLICTED, CONFLICT_WITH_CASE)
ANY_ROLE = "*"

# Actions on one case.
CASE_ACTIONS = (
    "case.view",  # read the case file (parties, allegations, notes, evidence, outcomes)
    "case.note",  # add a note
    "case.evidence",  # add evidence
    "case.assign",  # assign investigators and panel members
    "case.interim",  # impose or lift interim measures
    "case.transition",  # take a workflow step the rulebook grants to this role
    "case.prove",  # export the case's ledger entries with proofs
    "case.advice",  # ask someone outside the team for advice, with an extract
    "case.approach",  # log an approach (contact from outside the case team)
    "case.emergency",  # ask for emergency access to this case
    "case.redecide",  # a step deciding again after an earlier decision (an appeal, a rehearing)
    "summary.write",  # write the anonymised summary of a decided case (for the public report)
    "summary.approve",  # approve someone else's summary for publication, or send it back
    "hearing.schedule",  # give a hearing its date, place and panel (the notice goes out)
    "hearing.adjourn",  # put a scheduled hearing off to a new date, with a reason
    "hearing.record",  # record what happened at a hearing once it was held
    "panel.constitute",  # draw a case's panel by the rules, or appoint it by name with a reason
    "review.verify",  # verify a decision on independent review (a drawn reviewer only)
    "review.veto",  # veto a decision on independent review, with reasons (a drawn reviewer only)
)
#: Actions on an independent review: no one who took part in the decision may take them.
REVIEW_ACTIONS = ("review.verify", "review.veto")
ADVICE_ACTIONS = ("advice.view", "advice.answer")  # an adviser's view of the extract only
SIGNOFF_ACTIONS = ("signoff.view", "signoff.record")  # a signer's view of the sign-off request only
#: The formal channels to people outside the case team: each shows only what was sent.
NARROW_ACTIONS = ADVICE_ACTIONS + SIGNOFF_ACTIONS
# Actions that concern no single case.
ORGANISATION_ACTIONS = (
    "case.open",
    "case.list",
    "oversight.view",
    "accounts.manage",
    "ledger.verify",
    "emergency.approve",
    "members.view",  # search and match the membership register
    "members.import",  # bulk-import members into the register
    "interests.review",  # review staff's declarations of interest (the head of complaints)
    "transparency.publish",  # fix a quarter's public report (its hash goes in the ledger)
    "privacy.subject_access",  # export what is held about one person (a subject access request)
)

CASE_WORKER = frozenset(
    ("case.view", "case.note", "case.evidence", "case.transition", "case.redecide")
)
#: Steps whose permit also needs the rulebook to grant the step to the role.
STEP_ACTIONS = ("case.transition", "case.redecide")


@dataclass(frozen=True)
class Permit:
    role: str
    relation: str
    actions: frozenset[str]


PERMITS: tuple[Permit, ...] = (
    Permit(
        StaffRole.CASE_MANAGER,
        UNIT_MANAGER,
        CASE_WORKER
        | {
            "case.assign",
            "case.interim",
            "case.prove",
            "case.advice",
            "case.approach",
            "summary.write",
            "summary.approve",
            "hearing.schedule",
            "hearing.adjourn",
            "hearing.record",
            "panel.constitute",
        },
    ),
    Permit(StaffRole.INTAKE_OFFICER, INTAKE_QUEUE, CASE_WORKER | {"case.interim", "case.approach"}),
    Permit(
        StaffRole.INVESTIGATOR,
        ASSIGNED_INVESTIGATOR,
        CASE_WORKER | {"case.advice", "case.approach", "summary.write"},
    ),
    Permit(
        StaffRole.PANEL_MEMBER,
        PANEL_MEMBER,
        CASE_WORKER | {"case.approach", "summary.write", "hearing.record"},
    ),
    Permit(
        StaffRole.INDEPENDENT_REVIEWER,
        SAME_ORGANISATION,
        frozenset({"case.view", "case.prove", "summary.approve"}),
    ),
    Permit(StaffRole.INDEPENDENT_REVIEWER, DRAWN_REVIEWER, frozenset(REVIEW_ACTIONS)),
    Permit(ANY_ROLE, EMERGENCY, frozenset({"case.view"})),
    Permit(ANY_ROLE, ADVISER, frozenset(ADVICE_ACTIONS)),
    Permit(ANY_ROLE, SIGNER, frozenset(SIGNOFF_ACTIONS)),
)
#: Who may ask for emergency access to a case of their organisation they are not on.
EMERGENCY_REQUESTERS = frozenset(
    {
        StaffRole.INTAKE_OFFICER,
        StaffRole.INVESTIGATOR,
        StaffRole.CASE_MANAGER,
        StaffRole.PANEL_MEMBER,
    }
)
for _role in sorted(EMERGENCY_REQUESTERS):
    PERMITS += (Permit(_role, SAME_ORGANISATION, frozenset({"case.emergency"})),)

ORGANISATION_PERMITS: dict[str, frozenset[str]] = {
    "case.open": frozenset({StaffRole.INTAKE_OFFICER, StaffRole.CASE_MANAGER}),
    "case.list": frozenset(
        {
            StaffRole.INTAKE_OFFICER,
            StaffRole.INVESTIGATOR,
            StaffRole.CASE_MANAGER,
            StaffRole.PANEL_MEMBER,
            StaffRole.INDEPENDENT_REVIEWER,
        }
    ),
    "oversight.view": frozenset(
        {StaffRole.OVERSIGHT, StaffRole.INDEPENDENT_REVIEWER, StaffRole.CASE_MANAGER}
    ),
    "accounts.manage": frozenset({StaffRole.ADMINISTRATOR}),
    "ledger.verify": frozenset(
        {StaffRole.INDEPENDENT_REVIEWER, StaffRole.OVERSIGHT, StaffRole.ADMINISTRATOR}
    ),
    "emergency.approve": frozenset({StaffRole.CASE_MANAGER}),
    "members.view": frozenset({StaffRole.INTAKE_OFFICER, StaffRole.CASE_MANAGER}),
    "members.import": frozenset({StaffRole.CASE_MANAGER}),
    "interests.review": frozenset({StaffRole.CASE_MANAGER}),
    "transparency.publish": frozenset({StaffRole.CASE_MANAGER, StaffRole.OVERSIGHT}),
    # The organisation's administrator answers subject access requests (as its controller's
    # data protection contact would): it reads every record about one person, so no case role
    # holds it, and no one on a case can export the other party's file through it.
    "privacy.subject_access": frozenset({StaffRole.ADMINISTRATOR}),
}


@dataclass(frozen=True)
class Facts:
    """Everything the policy needs about one person and (optionally) one case."""

    active: bool
    roles: frozenset[str]
    relations: frozenset[str] = frozenset()
    conflict: str = ""  # why the person is conflicted, if they are
    involvement: str = ""  # how the person took part in an earlier decision, if they did


@dataclass(frozen=True)
class Verdict:
    """The access policy's answer to one request (not to be confused with a panel's
    ``cases.models.Decision``)."""

    allowed: bool
    reason: str
    role: str = ""  # the role the permission was exercised under
    reveal: bool = False  # may the person know the case exists? (403 rather than 404)


def decide(facts: Facts, action: str, *, transition_roles: tuple[str, ...] = ()) -> Verdict:
    """Decide one request. ``transition_roles``: who the rulebook lets take the step."""
    if not facts.active:
        return Verdict(False, "account is not active")
    if action in ORGANISATION_ACTIONS:
        return _decide_organisation(facts, action)
    if action not in CASE_ACTIONS and action not in NARROW_ACTIONS:
        return Verdict(False, f"unknown action {action!r}")
    if SAME_ORGANISATION not in facts.relations:
        return Verdict(False, "case belongs to another organisation")
    reveal = _may_know_case_exists(facts)
    if facts.relations & set(FORBIDDING_RELATIONS) and not _narrow_channel_open(facts, action):
        why = facts.conflict or "recused from this case"
        return Verdict(False, f"recused or conflicted: {why}", reveal=False)
    if StaffRole.POLITICAL_OFFICE in facts.roles and action not in NARROW_ACTIONS:
        return Verdict(False, "the political office has no access to cases")
    if action == "case.redecide" and FIRST_INSTANCE in facts.relations:
        why = facts.involvement or "took part in the earlier decision"
        return Verdict(
            False, f"no one judges their own decision: {why} on this case", reveal=reveal
        )
    if action in REVIEW_ACTIONS and FIRST_INSTANCE in facts.relations:
        why = facts.involvement or "took part in the decision"
        return Verdict(
            False, f"no one reviews a decision they took part in: {why} on this case", reveal=reveal
        )
    for permit in PERMITS:
        if action not in permit.actions or permit.relation not in facts.relations:
            continue
        if permit.role != ANY_ROLE and permit.role not in facts.roles:
            continue
        if action in STEP_ACTIONS and permit.role not in transition_roles:
            continue
        return Verdict(True, f"{permit.role} as {permit.relation}", role=permit.role, reveal=True)
    return Verdict(False, f"no permit for {action}", reveal=reveal)


def _decide_organisation(facts: Facts, action: str) -> Verdict:
    # No single case is involved, so a refusal is an honest 403, never a 404.
    if StaffRole.POLITICAL_OFFICE in facts.roles and action in ("case.open", "case.list"):
        return Verdict(False, "the political office has no access to cases", reveal=True)
    allowed_roles = ORGANISATION_PERMITS[action]
    held = sorted(facts.roles & allowed_roles)
    if held:
        return Verdict(True, f"{held[0]} may {action}", role=held[0], reveal=True)
    return Verdict(False, f"no role permits {action}", reveal=True)


def _narrow_channel_open(facts: Facts, action: str) -> bool:
    """Political-office work conflicts a person out of every case file; that is exactly why the
    formal channels (an advice request, a sign-off) exist. They stay open despite that standing
    conflict, but never to someone recused from, or conflicted with, this very case."""
    return action in NARROW_ACTIONS and not facts.relations & {RECUSED, CONFLICT_WITH_CASE}


def _may_know_case_exists(facts: Facts) -> bool:
    """Whether a refusal should say 403 (you may see this case, not do that) or 404."""
    if StaffRole.POLITICAL_OFFICE in facts.roles or facts.relations & set(FORBIDDING_RELATIONS):
        return False
    probe = Facts(active=True, roles=facts.roles, relations=facts.relations)
    for permit in PERMITS:
        visible = "case.view" in permit.actions and permit.relation in probe.relations
        if visible and (permit.role == ANY_ROLE or permit.role in probe.roles):
            return True
    return False


# Parties: a complainant or respondent holding a receipt for one case of their own. They are
# not staff and hold no role; what they may do follows only from their relation to the case
# asked about. The written matrix is ``tests/access/party_matrix.csv``.
COMPLAINANT_OF_CASE = "complainant_of_case"
RESPONDENT_OF_CASE = "respondent_of_case"
PARTY_RELATIONS = (COMPLAINANT_OF_CASE, RESPONDENT_OF_CASE)
PARTY_ACTIONS = (
    "party.view",  # the party's own status page: stage, deadlines, messages, outcome
    "party.message",  # send a message to the case team
    "party.allegations",  # read the allegations (the notice), complainant withheld if anonymous
    "party.respond",  # answer the allegations in writing before the decision
    "party.request_hearing",  # ask for a hearing, where the rulebook gives the respondent one
    "party.appeal",  # lodge an appeal within the rulebook's appeal window
    "party.proof",  # download the proof bundle of their own case's ledger entries
    "party.letter",  # download a letter sent to them on their own case (not the other party's)
    "party.evidence",  # download an evidence item the rulebook shows and staff did not withhold
    "party.upload",  # send a file to the case team, with a message
)
PARTY_PERMITS: dict[str, frozenset[str]] = {
    COMPLAINANT_OF_CASE: frozenset(
        {"party.view", "party.message", "party.proof", "party.letter", "party.upload"}
    ),
    RESPONDENT_OF_CASE: frozenset(PARTY_ACTIONS),
}


@dataclass(frozen=True)
class PartyFacts:
    """A party's way in (``active``: not revoked) and their relations to the case asked about
    (empty for any other case)."""

    active: bool
    relations: frozenset[str] = frozenset()


def decide_party(facts: PartyFacts, action: str) -> Verdict:
    """Decide one request by a party. Every refusal is a 404: a party never learns whether
    another case exists."""
    if not facts.active:
        return Verdict(False, "this receipt no longer opens the case")
    if action not in PARTY_ACTIONS:
        return Verdict(False, f"parties may not {action}")
    for relation in PARTY_RELATIONS:
        if relation in facts.relations and action in PARTY_PERMITS[relation]:
            return Verdict(True, f"party as {relation}", role=relation, reveal=True)
    return Verdict(False, "not a party to this case")
