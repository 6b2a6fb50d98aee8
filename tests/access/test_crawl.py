"""Every persona of the demo organisation requests every route — web pages, forms, oversight,
the API — with every case of the demo data. Each answer must have the status the access rules
give, and no response may carry the reference (or, for people with no case access at all, the
party names) of a case the persona may not see.

The routes come from the URL resolver: a new route without a row in ``ROUTES`` fails the suite.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from dueprocess.access.models import EmergencyAccess
from dueprocess.access.rules import can, visible_cases
from dueprocess.accounts.models import InterestDeclaration, User
from dueprocess.api.tokens import SCOPES, api_token_create
from dueprocess.cases.models import AdviceRequest, Case, Party, SignOff
from dueprocess.demo.build import Builder
from dueprocess.ledger.models import LedgerEntry
from dueprocess.letters.models import Letter
from dueprocess.lib import clock
from dueprocess.oversight.queries import FIGURES
from dueprocess.oversight.register_entries import KINDS
from dueprocess.oversight.transparency import latest_complete
from dueprocess.rulebook.versions import rulebook_install
from dueprocess.rulebooks import bundled

pytestmark = pytest.mark.slow
REFERENCE = re.compile(r"\b[CM]-\d{4}-\d{5}\b")


@dataclass(frozen=True)
class Route:
    methods: tuple[str, ...]
    kind: str  # "case" (per case), "letter" (per letter, with its case), "party-letter" (per
    # letter, no case: a party's own page), "advice", "signoff", "grant", "figure", "register",
    # "quarter", "token" (a made-up link token), "evidence" (a party's: per case, by item id,
    # with no reference), "person" (a member of staff, and a made-up id), "declaration" (each
    # declaration of interest) or "plain"


#: How to request each named route. "case" routes are requested once per demo case.
ROUTES = {
    "ledger:checkpoint": Route(("GET",), "plain"),
    "ledger:vkey": Route(("GET",), "plain"),
    "api-index": Route(("GET",), "plain"),
    "api-v1:openapi-json": Route(("GET",), "plain"),
    "api-v1:list_cases": Route(("GET",), "plain"),
    "api-v1:open_case": Route(("POST",), "plain"),
    "api-v1:get_case": Route(("GET",), "case"),
    "api-v1:list_steps": Route(("GET",), "case"),
    "api-v1:take_step": Route(("POST",), "case"),
    "api-v1:triage_case": Route(("POST",), "case"),
    "api-v1:submit_recommendation": Route(("POST",), "case"),
    "api-v1:record_decision": Route(("POST",), "case"),
    "api-v1:announce_decision": Route(("POST",), "case"),
    "api-v1:list_notes": Route(("GET",), "case"),
    "api-v1:add_note": Route(("POST",), "case"),
    "api-v1:list_redactions": Route(("GET",), "case"),
    "api-v1:mark_redaction": Route(("POST",), "case"),
    "api-v1:withdraw_redaction": Route(("POST",), "case"),
    "api-v1:withhold_evidence": Route(("POST",), "case"),
    "api-v1:release_evidence": Route(("POST",), "case"),
    "api-v1:list_assignments": Route(("GET",), "case"),
    "api-v1:assign_person": Route(("POST",), "case"),
    "api-v1:end_assignment": Route(("POST",), "case"),
    "api-v1:list_measures": Route(("GET",), "case"),
    "api-v1:impose_measure": Route(("POST",), "case"),
    "api-v1:lift_measure": Route(("POST",), "case"),
    "api-v1:continue_measure": Route(("POST",), "case"),
    "api-v1:list_letters": Route(("GET",), "case"),
    "api-v1:get_letter_pdf": Route(("GET",), "letter"),
    "api-v1:give_feedback": Route(("POST",), "case"),
    "api-v1:list_my_notices": Route(("GET",), "plain"),
    "api-v1:list_recommendations": Route(("GET",), "case"),
    "api-v1:list_decisions": Route(("GET",), "case"),
    "api-v1:list_evidence": Route(("GET",), "case"),
    "api-v1:add_evidence": Route(("POST",), "case"),
    "api-v1:download_evidence": Route(("GET",), "case"),
    "api-v1:list_interviews": Route(("GET",), "case"),
    "api-v1:record_interview": Route(("POST",), "case"),
    "api-v1:list_consents": Route(("GET",), "case"),
    "api-v1:record_consent": Route(("POST",), "case"),
    "api-v1:revise_recommendation": Route(("POST",), "case"),
    "api-v1:declare_recusal": Route(("POST",), "case"),
    "api-v1:review_member_match": Route(("POST",), "case"),
    "api-v1:list_approaches": Route(("GET",), "case"),
    "api-v1:log_approach": Route(("POST",), "case"),
    "api-v1:list_case_advice_requests": Route(("GET",), "case"),
    "api-v1:request_advice": Route(("POST",), "case"),
    "api-v1:list_advice_inbox": Route(("GET",), "plain"),
    "api-v1:get_advice_request": Route(("GET",), "advice"),
    "api-v1:answer_advice_request": Route(("POST",), "advice"),
    "api-v1:close_advice_request": Route(("POST",), "advice"),
    "api-v1:list_sign_offs": Route(("GET",), "plain"),
    "api-v1:get_sign_off": Route(("GET",), "signoff"),
    "api-v1:record_sign_off": Route(("POST",), "signoff"),
    "api-v1:request_emergency_access": Route(("POST",), "case"),
    "api-v1:list_emergency_access": Route(("GET",), "plain"),
    "api-v1:approve_emergency_access": Route(("POST",), "grant"),
    "api-v1:refuse_emergency_access": Route(("POST",), "grant"),
    "api-v1:list_members": Route(("GET",), "plain"),
    "api-v1:match_member": Route(("POST",), "plain"),
    "api-v1:import_members": Route(("POST",), "plain"),
    "api-v1:import_dossier": Route(("POST",), "plain"),
    "api-v1:get_checkpoint": Route(("GET",), "plain"),
    "api-v1:get_case_proof": Route(("GET",), "case"),
    "api-v1:list_messages": Route(("GET",), "case"),
    "api-v1:send_message": Route(("POST",), "case"),
    "api-v1:list_case_parties": Route(("GET",), "case"),
    "api-v1:list_party_files": Route(("GET",), "case"),
    "api-v1:download_party_file": Route(("GET",), "case"),
    "api-v1:get_summary": Route(("GET",), "case"),
    "api-v1:write_summary": Route(("POST",), "case"),
    "api-v1:approve_summary": Route(("POST",), "case"),
    "api-v1:return_summary": Route(("POST",), "case"),
    "api-v1:list_hearings": Route(("GET",), "case"),
    "api-v1:schedule_hearing": Route(("POST",), "case"),
    "api-v1:adjourn_hearing": Route(("POST",), "case"),
    "api-v1:record_hearing": Route(("POST",), "case"),
    "api-v1:record_hearing_consent": Route(("POST",), "case"),
    "api-v1:list_panels": Route(("GET",), "case"),
    "api-v1:draw_panel": Route(("POST",), "case"),
    "api-v1:appoint_panel": Route(("POST",), "case"),
    "api-v1:list_appeals": Route(("GET",), "case"),
    "api-v1:lodge_appeal": Route(("POST",), "case"),
    "api-v1:decide_appeal": Route(("POST",), "case"),
    "api-v1:list_reviews": Route(("GET",), "case"),
    "api-v1:verify_review": Route(("POST",), "case"),
    "api-v1:veto_review": Route(("POST",), "case"),
    "api-v1:get_me": Route(("GET",), "plain"),
    "api-v1:get_my_digest": Route(("GET",), "plain"),
    "api-v1:list_figures": Route(("GET",), "plain"),
    "api-v1:get_figure": Route(("GET",), "figure"),
    "api-v1:get_figure_csv": Route(("GET",), "figure"),
    "api-v1:list_register": Route(("GET",), "register"),
    "api-v1:get_transparency": Route(("GET",), "quarter"),
    "api-v1:get_transparency_exact": Route(("GET",), "quarter"),
    "api-v1:export_subject_access": Route(("POST",), "plain"),
    "web:subject-access": Route(("GET", "POST"), "plain"),
    "transparency": Route(("GET",), "plain"),
    "transparency-published": Route(("GET",), "quarter"),
    "api-v1:api-root": Route(("GET",), "plain"),
    "oversight:dashboard": Route(("GET",), "plain"),
    "oversight:figure-csv": Route(("GET",), "figure"),
    "oversight:figure-cases": Route(("GET",), "figure"),
    "oversight:approach-new": Route(("GET", "POST"), "case"),
    "oversight:advice-new": Route(("GET", "POST"), "case"),
    "oversight:advice-inbox": Route(("GET",), "plain"),
    "oversight:advice-detail": Route(("GET",), "advice"),
    "oversight:advice-close": Route(("POST",), "advice"),
    "oversight:signoff-inbox": Route(("GET",), "plain"),
    "oversight:signoff-detail": Route(("GET", "POST"), "signoff"),
    "oversight:transparency-publish": Route(("GET", "POST"), "plain"),
    "web:home": Route(("GET",), "plain"),
    "web:queue": Route(("GET",), "plain"),
    "web:backlog": Route(("GET",), "plain"),
    "web:case-list": Route(("GET",), "plain"),
    "web:case-open": Route(("GET", "POST"), "plain"),
    "web:dossier-import": Route(("GET", "POST"), "plain"),
    "web:case-detail": Route(("GET",), "case"),
    "web:step-take": Route(("POST",), "case"),
    "web:decision-announce": Route(("POST",), "case"),
    "web:note-add": Route(("POST",), "case"),
    "web:member-match": Route(("POST",), "case"),
    "web:evidence-add": Route(("POST",), "case"),
    "web:evidence-download": Route(("GET",), "case"),
    "web:interview-add": Route(("POST",), "case"),
    "web:consent-add": Route(("POST",), "case"),
    "web:party-file-download": Route(("GET",), "case"),
    "web:assignment-add": Route(("POST",), "case"),
    "web:measure-impose": Route(("POST",), "case"),
    "web:measure-lift": Route(("POST",), "case"),
    "web:measure-continue": Route(("POST",), "case"),
    "web:feedback-add": Route(("POST",), "case"),
    "web:summary-write": Route(("POST",), "case"),
    "web:summary-approve": Route(("POST",), "case"),
    "web:summary-return": Route(("POST",), "case"),
    "web:hearing-schedule": Route(("POST",), "case"),
    "web:hearing-adjourn": Route(("POST",), "case"),
    "web:hearing-record": Route(("POST",), "case"),
    "web:hearing-consent": Route(("POST",), "case"),
    "web:panel-draw": Route(("POST",), "case"),
    "web:panel-appoint": Route(("POST",), "case"),
    "web:review-verify": Route(("POST",), "case"),
    "web:review-veto": Route(("POST",), "case"),
    "web:letter-pdf": Route(("GET",), "letter"),
    "web:account-detail": Route(("GET",), "plain"),
    "web:interest-declare": Route(("GET", "POST"), "plain"),
    "web:interest-inbox": Route(("GET",), "plain"),
    "web:interest-review": Route(("POST",), "declaration"),
    "web:staff-list": Route(("GET",), "plain"),
    "web:staff-add": Route(("POST",), "plain"),
    "web:staff-detail": Route(("GET",), "person"),
    "web:role-grant": Route(("POST",), "person"),
    "web:role-end": Route(("POST",), "person"),
    "web:training-record": Route(("POST",), "person"),
    "web:staff-deactivate": Route(("POST",), "person"),
    "web:digest-set": Route(("POST",), "plain"),
    "web:emergency": Route(("GET",), "plain"),
    "web:emergency-request": Route(("POST",), "plain"),
    "web:emergency-decide": Route(("POST",), "grant"),
    "web:message-send": Route(("POST",), "case"),
    "web:report": Route(("GET", "POST"), "plain"),
    "web:receipt": Route(("GET", "POST"), "plain"),
    "web:receipt-lost": Route(("GET", "POST"), "plain"),
    "web:receipt-renew": Route(("GET", "POST"), "token"),
    "web:party-case": Route(("GET",), "plain"),
    "web:party-message": Route(("POST",), "plain"),
    "web:party-file": Route(("POST",), "plain"),
    "web:party-leave": Route(("POST",), "plain"),
    "web:respondent-notify": Route(("POST",), "case"),
    "web:redaction-mark": Route(("POST",), "case"),
    "web:redaction-withdraw": Route(("POST",), "case"),
    "web:evidence-withhold": Route(("POST",), "case"),
    "web:evidence-release": Route(("POST",), "case"),
    "web:party-evidence": Route(("GET",), "evidence"),
    "web:party-response": Route(("POST",), "plain"),
    "web:party-step": Route(("POST",), "plain"),
    "web:party-proof": Route(("POST",), "plain"),
    "web:party-letter": Route(("GET",), "party-letter"),
}
#: The public pages (no account): what a signed-out visitor gets from each, by method.
PARTY_PAGES = {
    "web:report": {"GET": {200}, "POST": {403}},  # a POST without the CSRF token is refused
    "web:receipt": {"GET": {200}, "POST": {403}},
    "web:receipt-lost": {"GET": {200}, "POST": {403}},
    "web:receipt-renew": {"GET": {404}, "POST": {403}},  # a made-up link opens nothing
    "web:party-case": {"GET": {302}},  # to /receipt/: no receipt typed in this session
    "web:party-message": {"POST": {403}},
    "web:party-file": {"POST": {403}},
    "web:party-leave": {"POST": {403}},
    "web:party-response": {"POST": {403}},
    "web:party-step": {"POST": {403}},
    "web:party-proof": {"POST": {403}},
    "web:party-letter": {"GET": {302}},  # to /receipt/, as the party's page
    "web:party-evidence": {"GET": {302}},  # to /receipt/: no receipt typed in this session
}
#: One demo persona per role and relation that matters (the other panel members and
#: investigators would repeat what these show).
CRAWLERS = ("priya", "jamie", "morgan", "sam", "judith", "oliver", "gwen", "ines", "felix", "ada")
DOCUMENTATION = {"api-v1:openapi-json", "api-index", "api-v1:api-root"}
NOT_CRAWLED = {
    "api-v1:get_dossier": "the demo imports no dossier; a reader is shown only the cases they may"
    " see, each persona and the other organisation are covered in tests/api/test_dossiers.py and"
    " tests/cases/test_dossier_import.py",
    "web:sessions-end": "signs the persona out of every session; covered in tests/web",
    "api-v1:set_my_digest": "the PUT on the path of get_my_digest (crawled): it changes only the"
    " caller's own digest and shows no case data; covered in tests/letters/test_digest.py",
    **{
        f"api-v1:{name}": "staff administration: every persona, the other organisation and each"
        " refusal are covered in tests/api/test_staff.py; none of it shows case data"
        for name in (
            "list_staff",
            "add_staff",
            "grant_role",
            "end_role",
            "record_training",
            "declare_interest",
            "list_interests",
            "review_interest",
        )
    },
    "ledger:tile": "public tiles of hashes and pseudonymous entries, the same for everyone; every"
    " path, the 404s beyond the checkpoint and the absence of personal data are covered in"
    " tests/ledger/test_tiles.py",
    None: "the API's catch-all 404 for unknown paths; covered in tests/api",
}


def patterns(
    resolver: URLResolver | None = None, prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str | None]]:
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            space = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from patterns(pattern, prefix + str(pattern.pattern), space)
        elif isinstance(pattern, URLPattern) and "allauth" not in getattr(
            pattern.callback, "__module__", ""
        ):
            yield (
                prefix + str(pattern.pattern),
                f"{namespace}{pattern.name}" if pattern.name else None,
            )


def fill(template: str, values: dict[str, object]) -> str:
    def one(match: re.Match[str]) -> str:
        return str(values[match.group(1)])

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", one, template)


@pytest.fixture
def demo(db):  # type: ignore[no-untyped-def]
    version = rulebook_install(path=bundled("party"))
    result = Builder(version, cases=10, seed=7, now=clock.now()).build()
    return result


def permitted_references(user: User) -> set[str]:
    """What the persona may see: visible cases, plus cases they were formally asked about."""
    refs = set(visible_cases(user).values_list("reference", flat=True))
    refs |= set(
        AdviceRequest.objects.filter(adviser=user, closed_at__isnull=True).values_list(
            "case__reference", flat=True
        )
    )
    roles = set(user.roles.values_list("role", flat=True))
    refs |= set(
        SignOff.objects.filter(signer_role__in=roles).values_list("case__reference", flat=True)
    )
    # their own emergency requests, and — for those who decide on them — everyone's pending ones
    grants = EmergencyAccess.objects.filter(requester=user)
    if can(user, "emergency.approve").allowed:
        pending = EmergencyAccess.objects.filter(approved_at__isnull=True, refused_at__isnull=True)
        grants = grants | pending
    refs |= set(grants.values_list("case__reference", flat=True))
    return refs


def test_the_crawl_covers_every_route():
    named = {name for _, name in patterns()}
    assert named - set(ROUTES) - set(NOT_CRAWLED) == set()


def test_every_persona_gets_the_right_answer_and_nothing_of_other_cases(demo):
    cases = list(Case.objects.select_related("rulebook").order_by("pk"))
    assert Letter.objects.exists()  # the demo writes letters, so the letter routes are crawled
    all_names = {p.display_name for p in Party.objects.all() if not p.anonymous}
    templates = {name: template for template, name in patterns() if name in ROUTES}
    failures: list[str] = []
    requests = 0
    for key in CRAWLERS:
        user = demo.users[key]
        client = Client()
        client.force_login(user)
        token = _token(user)
        allowed = permitted_references(user)
        blind = not allowed
        sees = case_views(user, cases)
        for name, route in ROUTES.items():
            for method in route.methods:
                crawled = cases if method == "GET" else representatives(cases, sees)
                for url, case in _urls(templates[name], route, crawled):
                    last = LedgerEntry.objects.order_by("-seq").values_list("seq", flat=True)
                    before = last.first()
                    response = _request(client, method, url, token)
                    requests += 1
                    body = response.content.decode("utf-8", "replace")
                    failures += _check(
                        key, name, method, url, case, response.status_code, body, allowed, sees
                    )
                    failures += _staff_check(key, user, name, method, url, response.status_code)
                    recorded = LedgerEntry.objects.filter(seq__gt=before).exists()
                    if _shows_case_data(name, method, response.status_code) and not recorded:
                        failures.append(f"{key} {method} {url}: case data shown, nothing recorded")
                    if blind:
                        leaked = [n for n in all_names if n in body]
                        if leaked:
                            failures.append(f"{key} {method} {url}: party names {leaked[:3]}")
        # the oracle was read once per persona: nothing the crawl did may have changed it
        if case_views(user, cases) != sees:
            failures.append(f"{key}: the crawl changed which cases the persona may see")
    assert failures == []
    assert requests > 1000


def representatives(cases: list[Case], sees: dict[int, bool], each: int = 3) -> list[Case]:
    """The cases a persona's empty-bodied POSTs are sent to: up to ``each`` they may see and
    ``each`` they may not, of different stages where there are.

    A GET is sent for every case, since it is what shows a case's data. An empty POST is
    refused either by the gate (a case they may not see or act on) or by the form before
    anything is written, whatever the case's stage; the answer turns on which of the two the
    persona is, which the sample holds both of. Every case for every POST route was 10,000 of
    the crawl's 17,750 requests and most of its time. Which persona may do what to which case,
    for every relation, is held against the written matrix in ``test_matrix``."""
    chosen: list[Case] = []
    for visible in (True, False):
        stages: set[str] = set()
        pool = [case for case in cases if sees[case.pk] == visible]
        for case in pool:
            if case.stage not in stages and len(stages) < each:
                stages.add(case.stage)
                chosen.append(case)
        for case in pool:  # fewer stages than ``each``: fill up in order
            if sum(sees[c.pk] == visible for c in chosen) >= each:
                break
            if case not in chosen:
                chosen.append(case)
    return sorted(chosen, key=lambda case: case.pk)


def _shows_case_data(name: str, method: str, status: int) -> bool:
    """A successful read of a case, its parts, a list of cases, or an advice or sign-off brief."""
    if method != "GET" or status != 200:
        return False
    if name in FORMS_ONLY:
        return False
    return ROUTES[name].kind in ("case", "letter", "advice", "signoff") or name in LISTS


#: Pages that show a blank form under the reference the caller typed, and no case content.
FORMS_ONLY = {"oversight:approach-new", "oversight:advice-new"}


LISTS = {
    "web:queue",
    "web:backlog",
    "web:case-list",
    "api-v1:list_cases",
    "oversight:figure-cases",
    "oversight:dashboard",
    "oversight:advice-inbox",
    "oversight:signoff-inbox",
    "web:emergency",
    "api-v1:list_advice_inbox",
    "api-v1:list_sign_offs",
    "api-v1:list_emergency_access",
    "api-v1:list_register",
    "api-v1:list_my_notices",
}


#: The account administrator's pages, and the review of declarations of interest: whom each
#: lets in (the accounts services' own questions), and what an empty form or a made-up id gets.
STAFF_ADMIN = {
    "web:staff-list",
    "web:staff-add",
    "web:staff-detail",
    "web:role-grant",
    "web:role-end",
    "web:training-record",
    "web:staff-deactivate",
}
REVIEW = {"web:interest-inbox", "web:interest-review"}
#: The subject access export: the administrator only (its empty body is refused as a problem).
PRIVACY = {"api-v1:export_subject_access", "web:subject-access"}


def _staff_check(key: str, user: User, name: str, method: str, url: str, status: int) -> list[str]:
    """Everyone else is refused (403) before anything is looked up; the administrator (or the
    head of complaints) sees the page, gets the form back for an empty post and no one by a
    made-up id. Declaring one's own interest is open to all: an empty post is the form again."""
    if name in STAFF_ADMIN:
        admitted = can(user, "accounts.manage").allowed
    elif name in REVIEW:
        admitted = can(user, "interests.review").allowed
    elif name in PRIVACY:
        admitted = can(user, "privacy.subject_access").allowed
    elif name == "web:interest-declare":
        admitted = True
    else:
        return []
    if not admitted:
        expected = {403}
    elif "999999" in url:
        expected = {404}
    else:
        expected = {200} if method == "GET" else {422}
    return [] if status in expected else [f"{key} {method} {url}: {status}, not {expected}"]


def _token(user: User) -> str:
    try:
        return api_token_create(actor=user, name="crawl", scopes=list(SCOPES)).secret
    except Exception:  # roles that may not hold tokens (e.g. no MFA): the API answers 401
        return "dp_not-a-token"


def _urls(template: str, route: Route, cases: list[Case]) -> Iterator[tuple[str, Case | None]]:
    if route.kind == "plain":
        yield fill(template, {}), None
    elif route.kind == "token":
        yield fill(template, {"token": "not-a-real-link-token"}), None
    elif route.kind == "figure":
        for key in FIGURES:
            yield fill(template, {"key": key}), None
    elif route.kind == "register":
        for kind in KINDS:
            yield fill(template, {}) + f"?kind={kind}&limit=500", None
    elif route.kind == "quarter":
        yield (
            fill(
                template,
                {
                    "quarter": str(latest_complete(Case.objects.first().organisation)),
                    "version": 1,
                },
            ),
            None,
        )
    elif route.kind == "advice":
        for advice in AdviceRequest.objects.select_related("case"):
            yield fill(template, {"request_id": advice.pk, "id": advice.pk}), advice.case
    elif route.kind == "grant":
        for grant in EmergencyAccess.objects.select_related("case"):
            values = {"grant_id": grant.pk, "id": grant.pk, "decision": "approve"}
            yield fill(template, values), grant.case
    elif route.kind == "letter":
        for letter in (
            Letter.objects.filter(case__isnull=False).select_related("case").order_by("pk")
        ):
            values = {"ref": letter.case.reference, "reference": letter.case.reference}
            yield fill(template, values | {"letter_id": letter.pk, "id": letter.pk}), letter.case
    elif route.kind == "party-letter":  # every letter; a party's own are theirs alone
        for letter in Letter.objects.filter(case__isnull=False).order_by("pk"):
            yield fill(template, {"letter_id": letter.pk}), None
    elif route.kind == "person":
        person = User.objects.filter(roles__isnull=False).order_by("pk").first()
        assert person is not None
        role = person.roles.order_by("pk").first()
        assert role is not None
        yield fill(template, {"user_id": person.pk, "role_id": role.pk}), None
        yield fill(template, {"user_id": 999_999, "role_id": 999_999}), None
    elif route.kind == "declaration":
        for declaration in InterestDeclaration.objects.order_by("pk"):
            yield fill(template, {"declaration_id": declaration.pk}), None
    elif route.kind == "signoff":
        for signoff in SignOff.objects.select_related("case"):
            yield fill(template, {"signoff_id": signoff.pk, "id": signoff.pk}), signoff.case
    else:
        for case in cases:
            measure = case.interim_measures.first()
            assignment = case.assignments.first()
            latest = case.recommendations.order_by("-number").first()
            measure_id = measure.pk if measure else 0
            assignment_id = assignment.pk if assignment else 0
            item = case.evidence.first()
            evidence_id = item.pk if item else 1
            sent = case.party_files.first()
            # a party's file, an evidence item: a real id when there is one, never an id the
            # path refuses (0), so that a GET answers the same before and after the gate
            by_path = {"/party-files/": sent.pk if sent else 1, "/evidence/": evidence_id}
            path_id = next((v for k, v in by_path.items() if k in template), assignment_id)
            respondent = case.parties.filter(role="respondent").first()
            party_id = respondent.pk if respondent else 1
            values = {
                "ref": case.reference,
                "reference": case.reference,
                "step": "notify",
                "key": "notify",
                "id": measure_id if "measure" in template else path_id,
                "measure_id": measure_id,
                "item_id": evidence_id,
                "redaction_id": 1,
                "withholding_id": 1,
                "file_id": 1,
                "party_id": party_id,
                "party": party_id,
                "number": latest.number if latest else 1,
                "decision_id": 1,
            }
            yield fill(template, values), case


def _request(client: Client, method: str, url: str, token: str):  # type: ignore[no-untyped-def]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if url.startswith("/api/") else {}
    if method == "GET":
        return client.get(url, **headers)
    if url.startswith("/api/"):
        return client.post(url, data="{}", content_type="application/json", **headers)
    return client.post(url, {}, **headers)


def case_views(user: User, cases: list[Case]) -> dict[int, bool]:
    """Which cases the policy lets ``user`` view: the oracle each response is held against,
    decided once per persona rather than once per request."""
    return {case.pk: can(user, "case.view", case).allowed for case in cases}


def _check(key, name, method, url, case, status, body, allowed, sees) -> list[str]:  # type: ignore[no-untyped-def]
    problems = []
    if status >= 500:
        problems.append(f"{key} {method} {url}: {status}")
    # The request's own reference may be echoed back (the caller typed it); documentation pages
    # carry example references. Anything else must be a case the persona may see.
    echoed = set(REFERENCE.findall(url))
    leaked = set(REFERENCE.findall(body)) - allowed - echoed
    if leaked and name not in DOCUMENTATION:
        problems.append(f"{key} {method} {url}: references of other cases {sorted(leaked)[:3]}")
    if case is not None and ROUTES[name].kind in ("case", "letter"):
        may_see = sees[case.pk]
        # A malformed body is refused before any case is looked up, the same for every reference.
        refused = (401, 403, 404) if method == "GET" else (400, 401, 403, 404, 422)
        if not may_see and status not in refused:
            problems.append(f"{key} {method} {url}: {status} for a case they may not see")
        if (
            may_see
            and method == "GET"
            and name in ("web:case-detail", "api-v1:get_case")
            and status != 200
        ):
            problems.append(f"{key} {method} {url}: {status} for a case they may see")
    return problems
