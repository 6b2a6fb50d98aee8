"""Messages with the parties through the API: the thread, and writing to a party."""

from __future__ import annotations

from django.test import Client

from dueprocess.cases.models import Case
from dueprocess.parties.models import Message, PartyAccess
from dueprocess.parties.services import party_message_send
from tests.api.client import problem_code
from tests.api.trail import actions_since, mark
from tests.parties.helpers import file_report
from tests.world import World


def _public_case(world: World, key: str = "public-form-1") -> tuple[Case, PartyAccess]:
    _, receipt = file_report(Client(), world, idempotency_key=key)
    assert receipt
    case = Case.objects.get(source=Case.Source.PUBLIC, idempotency_key=key)
    return case, PartyAccess.objects.get(case=case)


def test_the_thread_shows_both_directions_and_its_read_is_recorded(api, world):
    case, access = _public_case(world)
    party_message_send(access=access, body="I have two witnesses.")
    start = mark()
    response = api.get(f"/cases/{case.reference}/messages", persona="case_manager")
    assert response.status_code == 200
    body = response.json()
    assert body["parties"] == [{"id": access.pk, "role": "complainant", "active": True}]
    (message,) = body["messages"]
    assert message["direction"] == "from_party" and message["body"] == "I have two witnesses."
    assert message["author"] is None and message["party"] == access.pk
    assert actions_since(start) == ["case.viewed"]


def test_the_case_team_writes_to_a_party_who_then_sees_it(api, world):
    case, access = _public_case(world)
    start = mark()
    sent = api.post(
        f"/cases/{case.reference}/messages",
        {"party": access.pk, "body": "Were there witnesses?"},
        persona="case_manager",
    )
    assert sent.status_code == 201, sent.content
    assert sent.json()["direction"] == "to_party" and sent.json()["read_by_party_at"] is None
    assert sent.json()["author"]["email"] == world.case_manager.email
    assert actions_since(start) == ["case.message_sent"]
    stored = Message.objects.get(case=case)
    assert (stored.access, stored.author, stored.body) == (
        access,
        world.case_manager,
        "Were there witnesses?",
    )


def test_bad_messages_are_refused_and_nothing_is_written(api, world):
    case, access = _public_case(world)
    _, other_access = _public_case(world, key="public-form-2")
    path = f"/cases/{case.reference}/messages"
    for body in (
        {"party": other_access.pk, "body": "To the wrong case."},  # a party of another case
        {"party": access.pk, "body": "   "},
        {"party": access.pk},
        {"party": access.pk, "body": "Hi", "cc": "everyone"},
    ):
        refused = api.post(path, body, persona="case_manager")
        assert refused.status_code == 422, (body, refused.content)
    # may read every case, may not write to it: refused, recorded, nothing sent
    start = mark()
    refused = api.post(path, {"party": access.pk, "body": "Hello"}, persona="reviewer")
    assert refused.status_code == 403 and problem_code(refused) == "forbidden"
    assert actions_since(start) == ["access.denied"]
    # a case the persona may not know about answers like a missing one
    hidden = world.case_at("received", unit=world.other_unit, by="other_manager")
    for reference in (hidden.reference, "C-2026-99999"):
        missing = api.post(
            f"/cases/{reference}/messages", {"party": access.pk, "body": "Hi"}, persona="intake"
        )
        assert missing.status_code == 404
        assert api.get(f"/cases/{reference}/messages", persona="intake").status_code == 404
    assert not Message.objects.exists()
