"""One recorded gate for every channel: the same attempt leaves the same record.

Asking for a case one may not know about -- whether it exists and is hidden, or does not exist
at all -- goes through ``access.enforcement.case_gate`` from the web pages and forms, the API
and the oversight register forms alike. So the same attempt, by the same person, on the same
verb, appends the same ledger entries through the web as through the API: the same actions, in
the same number, tied to the same case (or to none).
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.test import Client

from dueprocess.access import enforcement
from dueprocess.access.rules import can
from dueprocess.cases.models import Case
from dueprocess.errors import NotFound
from dueprocess.ledger.models import LedgerEntry
from tests.api.client import ApiClient
from tests.signing_in import enrol, signer_in
from tests.world import World

MISSING = "C-1999-99999"
PERSONA = "intake"

#: The same attempt through each channel: (what, web verb, web path, API verb, API path, body).
#: ``{ref}`` is the reference asked for. Bodies are valid, so the reference is what is refused.
ATTEMPTS = [
    ("read the case", "GET", "/cases/{ref}/", "GET", "/api/v1/cases/{ref}", None),
    (
        "add a note",
        "POST",
        "/cases/{ref}/notes/",
        "POST",
        "/api/v1/cases/{ref}/notes",
        {"body": "Called the complainant back."},
    ),
    (
        "add evidence",
        "POST",
        "/cases/{ref}/evidence/",
        "POST",
        "/api/v1/cases/{ref}/evidence",
        {"title": "Screenshot", "kind": "screenshot", "description": "Of the post."},
    ),
    (
        "take a step",
        "POST",
        "/cases/{ref}/steps/notify/",
        "POST",
        "/api/v1/cases/{ref}/transitions/notify",
        {"reason": "Told the respondent.", "expected_version": 1},
    ),
]


def _effect(send: Callable[[], object]) -> tuple[int, list[tuple[str, bool]]]:
    """The status, and what the ledger gained: each new entry's action and whether it is tied to
    a case (tokens minted by the test client left out)."""
    before = LedgerEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    response = send()
    new = (
        LedgerEntry.objects.filter(seq__gt=before)
        .exclude(action="api_token.created")
        .order_by("seq")
        .values_list("action", "case_tag")
    )
    return response.status_code, [(action, bool(tag)) for action, tag in new]  # type: ignore[attr-defined]


def _web(world: World) -> Client:
    return signer_in(world)(PERSONA)


@pytest.fixture
def hidden(world: World) -> Case:
    case = world.case_at("received", unit=world.other_unit, by="other_manager")
    assert not can(world.people[PERSONA], "case.view", case).allowed
    return case


@pytest.mark.parametrize("which", ["missing", "hidden"])
@pytest.mark.parametrize(
    ("what", "web_verb", "web_path", "api_verb", "api_path", "body"),
    ATTEMPTS,
    ids=[a[0] for a in ATTEMPTS],
)
def test_the_same_attempt_leaves_the_same_record_through_the_web_and_the_api(
    world, hidden, which, what, web_verb, web_path, api_verb, api_path, body
):
    reference = MISSING if which == "missing" else hidden.reference
    web = _web(world)
    api = ApiClient(world.people)
    token = api.token(PERSONA)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def through_web():  # type: ignore[no-untyped-def]
        url = web_path.format(ref=reference)
        return web.get(url) if web_verb == "GET" else web.post(url, body or {})

    def through_api():  # type: ignore[no-untyped-def]
        url = api_path.format(ref=reference)
        if api_verb == "GET":
            return Client().get(url, **auth)
        data = json.dumps(body or {})
        return Client().post(url, data=data, content_type="application/json", **auth)

    web_status, web_written = _effect(through_web)
    api_status, api_written = _effect(through_api)
    assert (web_status, api_status) == (404, 404)
    tied = which == "hidden"  # a hidden case's refusal is on that case; a missing one on none
    assert web_written == api_written == [("access.denied", tied)]


def test_the_gate_resolves_by_id_and_records_an_unknown_id_like_an_unknown_reference(world):
    case = world.case_at("received")
    manager = world.case_manager
    assert enforcement.case_gate(manager, case_id=case.pk) == case
    assert enforcement.case_gate(manager, case.reference) == case
    before = LedgerEntry.objects.filter(action="access.denied").count()
    for ask in ({"case_id": 999_999}, {"reference": MISSING}):
        with pytest.raises(NotFound):
            enforcement.case_gate(manager, action="case.note", **ask)  # type: ignore[arg-type]
    assert LedgerEntry.objects.filter(action="access.denied").count() == before + 2


def test_the_oversight_register_forms_record_an_unknown_reference_on_every_verb(world):
    client = Client()
    user = world.case_manager
    enrol(user)
    client.force_login(user)
    for send in (client.get, client.post):
        before = LedgerEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
        response = send(f"/oversight/cases/{MISSING}/approaches/new/")
        new = list(LedgerEntry.objects.filter(seq__gt=before).values_list("action", flat=True))
        assert (response.status_code, new) == (404, ["access.denied"])
