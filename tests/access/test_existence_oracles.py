"""No answer tells a person whether a case they may not know about exists.

For an existing case the persona may not see and for a reference that does not exist, every
route that takes a reference must answer the same: status, body (once the CSRF token, CSP
nonce and the typed reference itself are blanked), headers, and the same ledger actions
written (the same work done, so the same timing class).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client

from dueprocess.access.models import EmergencyAccess
from dueprocess.access.rules import can
from dueprocess.accounts.models import User
from dueprocess.cases import services as svc
from dueprocess.cases.models import Case
from dueprocess.errors import InvalidInput
from dueprocess.ledger.models import LedgerEntry
from tests.access.test_crawl import ROUTES, fill, patterns
from tests.api.client import ApiClient
from tests.api.matrix import PERSONAS
from tests.signing_in import enrol
from tests.world import World

MISSING = "C-1999-99999"
ALL_YES = {"in_scope": True, "respondent_is_member": True, "not_duplicate": True}
#: Headers drawn afresh for every request, whatever it asks (a random id, the clock).
SAME_BY_CONSTRUCTION = {"Date", "Expires", "X-Request-Id"}
#: The length follows the body, which is compared once blanked.
NOT_COMPARED = SAME_BY_CONSTRUCTION | {"Content-Length"}
_NOISE = [
    (
        re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"'),
        'name="csrfmiddlewaretoken" value=""',
    ),
    (re.compile(r"csrftoken=[^;]+"), "csrftoken="),
    (re.compile(r"""nonce(=|-)["']?[A-Za-z0-9+/=_-]+"""), "nonce="),
    # the timeline of the person's *own* case grows by one look with every request
    (
        re.compile(r'<section aria-labelledby="timeline-h">.*?</section>', re.S),
        '<section aria-labelledby="timeline-h"></section>',
    ),
]


@dataclass(frozen=True)
class Answer:
    status: int
    body: str
    headers: tuple[tuple[str, str], ...]
    recorded: tuple[str, ...]


def _blank(text: str, reference: str) -> str:
    for pattern, replacement in _NOISE:
        text = pattern.sub(replacement, text)
    return text.replace(reference, "<ref>")


def _header(name: str, value: str, reference: str) -> str:
    if name == "Content-Security-Policy":  # the same directives, in no fixed order
        value = "; ".join(sorted(part.strip() for part in value.split(";")))
    return _blank(value, reference)


def _answer(response, reference: str, recorded: list[str]) -> Answer:  # type: ignore[no-untyped-def]
    body = _blank(response.content.decode("utf-8", "replace"), reference)
    headers = tuple(
        sorted(
            (name, _header(name, value, reference))
            for name, value in response.items()
            if name not in NOT_COMPARED
        )
    )
    return Answer(response.status_code, body, headers, tuple(recorded))


def _asked(send: Callable[[str], object], reference: str) -> Answer:
    before = LedgerEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    response = send(reference)
    written = list(
        LedgerEntry.objects.filter(seq__gt=before).order_by("seq").values_list("action", flat=True)
    )
    return _answer(response, reference, written)


def _same_answer(send: Callable[[str], object], hidden: Case) -> tuple[Answer, Answer]:
    # ``send`` builds a fresh client each time, so both requests start from the same state.
    return _asked(send, hidden.reference), _asked(send, MISSING)


def _differences(seen: Answer, missing: Answer) -> list[str]:
    """What tells the two apart (empty when nothing does)."""
    found = [
        f"{what}: {getattr(seen, what)!r} / {getattr(missing, what)!r}"
        for what in ("status", "recorded")
        if getattr(seen, what) != getattr(missing, what)
    ]
    found += [f"header {h}" for h in sorted(set(seen.headers) ^ set(missing.headers))]
    if seen.body != missing.body:
        at = next(
            i for i, (a, b) in enumerate(zip(seen.body, missing.body, strict=False)) if a != b
        )
        found.append(f"body from {seen.body[at - 40 : at + 60]!r}")
    return found


@pytest.fixture
def people(world: World, outsider: User) -> dict[str, User]:
    """Every persona of the matrix, the other organisation's case manager included."""
    return world.people | {"outsider": outsider}


def _web(people: dict[str, User], persona: str) -> Client:
    client = Client()
    user = people[persona]
    enrol(user)
    client.force_login(user)
    return client


# --- 1. the emergency-access form ------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_emergency_form_answers_a_hidden_case_like_a_missing_one(world, people, persona):
    hidden = world.case_at("received", unit=world.other_unit, by="other_manager")
    user = people[persona]

    def send(reference: str):  # type: ignore[no-untyped-def]
        client = _web(people, persona)
        return client.post("/emergency/request/", {"reference": reference, "reason": "Press."})

    if can(user, "case.view", hidden).allowed or can(user, "case.emergency", hidden).allowed:
        # may know the case exists, by design: the form works for them, and only for real cases
        assert send(MISSING).status_code == 404
        asked = send(hidden.reference)
        if can(user, "case.emergency", hidden).allowed:
            assert asked.status_code in (200, 302) and EmergencyAccess.objects.exists(), asked
        else:  # sees the case, may not ask: told so, nothing stored
            assert asked.status_code == 403 and not EmergencyAccess.objects.exists(), asked
        return
    seen, missing = _same_answer(send, hidden)
    assert _differences(seen, missing) == []
    assert not EmergencyAccess.objects.exists()


def test_the_emergency_form_keeps_what_was_typed_and_answers_404_like_the_api(world):
    hidden = world.case_at("received", unit=world.other_unit, by="other_manager")
    office = _web(world.people, "political")
    for reference in (hidden.reference, MISSING):
        response = office.post(
            "/emergency/request/", {"reference": reference, "reason": "Press enquiry."}
        )
        html = response.content.decode()
        assert response.status_code == 404
        assert "Press enquiry." in html and "No case with that reference" in html
    api = ApiClient(world.people)
    hidden_api = api.post(
        f"/cases/{hidden.reference}/emergency-access", {"reason": "x"}, "political"
    )
    assert hidden_api.status_code == 404


def test_an_emergency_requester_still_asks_by_reference(world):
    case = world.case_at("investigation")
    response = _web(world.people, "investigator_b").post(
        "/emergency/request/", {"reference": f" {case.reference} ", "reason": "Deadline today."}
    )
    assert response.status_code == 302
    assert EmergencyAccess.objects.get().case == case


# --- every other route that takes a reference, for every persona ----------------------------


def _openapi_path(template: str) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", template)


def _request_examples() -> dict[str, object]:
    """The documented example body of every POST, by its OpenAPI path."""
    schema = Client().get("/api/v1/openapi.json").json()
    found = {}
    for path, operations in schema["paths"].items():
        content = operations.get("post", {}).get("requestBody", {}).get("content", {})
        example = content.get("application/json", {}).get("example")
        if example is not None:
            found[path] = example
    return found


def _case_routes() -> list[tuple[str, str, str]]:
    templates = {name: template for template, name in patterns() if name in ROUTES}
    return [
        (name, templates[name], method)
        for name, route in ROUTES.items()
        if route.kind in ("case", "letter")
        for method in route.methods
    ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_route_taking_a_reference_answers_a_hidden_case_like_a_missing_one(
    world, people, persona
):
    hidden = world.case_at("received", unit=world.other_unit, by="other_manager")
    svc.interim_measure_impose(
        actor=world.other_manager,
        case=hidden,
        kind="administrative_suspension",
        ground="risk_of_harm",
        reasons="Threats.",
    )
    user = people[persona]
    if can(user, "case.view", hidden).allowed:
        # may see this case, by design: it opens for them, and a missing one does not
        viewer = _web(people, persona)
        assert viewer.get(f"/cases/{hidden.reference}/").status_code == 200
        assert viewer.get(f"/cases/{MISSING}/").status_code == 404
        return
    may_ask = can(user, "case.emergency", hidden).allowed
    measure = hidden.interim_measures.get()
    assignment = hidden.assignments.first()
    api = ApiClient(people)
    token = api.token(persona)
    examples = _request_examples()
    differences = []
    statuses: dict[tuple[str, str], int] = {}
    for name, template, method in _case_routes():
        if may_ask and name == "api-v1:request_emergency_access":
            continue  # they may ask about any case of their organisation, by design

        def send(reference: str, template=template, method=method):  # type: ignore[no-untyped-def]
            values = {
                "ref": reference,
                "reference": reference,
                "step": "notify",
                "key": "notify",
                "id": measure.pk if "measure" in template else (assignment.pk if assignment else 1),
                "measure_id": measure.pk,
                "letter_id": 1,
                "number": 1,
                "item_id": 1,
                "redaction_id": 1,
                "withholding_id": 1,
                "file_id": 1,
                "decision_id": 1,
                "party_id": 1,
                "party": 1,
            }
            url = fill(template, values)
            if url.startswith("/api/"):
                client = Client()
                auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
                if method == "GET":
                    return client.get(url, **auth)
                body = json.dumps(examples.get(_openapi_path(template), {}))
                return client.post(url, data=body, content_type="application/json", **auth)
            client = _web(people, persona)
            return client.get(url) if method == "GET" else client.post(url, {})

        seen, missing = _same_answer(send, hidden)
        differences += [f"{name} {method}: {d}" for d in _differences(seen, missing)]
        statuses[name, method] = seen.status
    assert differences == [], "\n".join(differences)
    # the documented example bodies get past validation: the reference is what is refused
    assert len(statuses) >= 35
    assert {key: code for key, code in statuses.items() if code != 404} == {}


# --- 3. triage's duplicate_of --------------------------------------------------------------


def _triage(world: World, case: Case, reference: str) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        svc.case_triage(
            member_reason="Joined this month; not in the register yet.",
            actor=world.intake,
            case=case,
            reason="Repeats another complaint.",
            duplicate_of=reference,
            answers=ALL_YES | {"not_duplicate": False},
        )
    return caught.value


def test_a_duplicate_the_person_cannot_see_is_answered_like_a_missing_one(world):
    hidden = world.case_at("received", unit=world.other_unit, by="other_manager")
    case = world.case_at("triage")
    assert not can(world.intake, "case.view", hidden).allowed
    seen, missing = _triage(world, case, hidden.reference), _triage(world, case, MISSING)
    assert (seen.message, seen.fields, seen.status) == (
        missing.message,
        missing.fields,
        missing.status,
    )
    case.refresh_from_db()
    assert case.stage == "triage" and case.duplicate_of is None


def test_a_duplicate_the_person_can_see_is_linked(world):
    original = world.case_at("triage")
    case = world.case_at("triage")
    svc.case_triage(
        member_reason="Joined this month; not in the register yet.",
        actor=world.intake,
        case=case,
        reason="Repeats another complaint.",
        duplicate_of=original.reference,
        answers=ALL_YES | {"not_duplicate": False},
    )
    assert Case.objects.get(pk=case.pk).duplicate_of == original


def test_triage_through_the_api_and_the_web_does_not_tell_a_hidden_duplicate(world):
    hidden = world.case_at("received", unit=world.other_unit, by="other_manager")
    case = world.case_at("triage")
    api = ApiClient(world.people)
    api.token("intake")  # issued (and recorded) before, not during, the requests compared
    body = {
        "answers": ALL_YES | {"not_duplicate": False},
        "reason": "Repeats another.",
        "member_reason": "Joined this month.",
    }

    def by_api(reference: str):  # type: ignore[no-untyped-def]
        return api.post(
            f"/cases/{case.reference}/triage", body | {"duplicate_of": reference}, "intake"
        )

    seen, missing = _same_answer(by_api, hidden)
    assert not (found := _differences(seen, missing)), "\n".join(found)
    assert seen.status == 422
    key = "not_investigated"
    form = {
        **{f"step-{key}-answer_{q.key}": "yes" for q in world.rules.triage_questions},
        f"step-{key}-answer_not_duplicate": "no",
        f"step-{key}-expected_version": Case.objects.get(pk=case.pk).version,
        f"step-{key}-category": case.category,
        f"step-{key}-ground": "duplicate",
        f"step-{key}-reason": "Repeats another.",
        f"step-{key}-member_reason": "Joined this month.",
    }

    def by_web(reference: str):  # type: ignore[no-untyped-def]
        client = _web(world.people, "intake")
        url = f"/cases/{case.reference}/steps/{key}/"
        return client.post(url, form | {f"step-{key}-duplicate_of": reference})

    seen, missing = _same_answer(by_web, hidden)
    assert not (found := _differences(seen, missing)), "\n".join(found)
    assert seen.status == 422
    assert Case.objects.get(pk=case.pk).stage == "triage"
