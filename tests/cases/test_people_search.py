"""Case search finds people as well as references: complainants and respondents by name
(case, accents and spacing ignored) and linked members by number — only among the cases the
searcher may see, never an anonymous party, and recorded like every list."""

from __future__ import annotations

import json

import pytest
from django.db.models import Value

from dueprocess.cases import services as svc
from dueprocess.cases.filters import CaseFilters
from dueprocess.cases.people_search import FOLDED_RANGES, Folded
from dueprocess.cases.worklists import case_search_for
from dueprocess.ledger import sealing
from dueprocess.ledger.models import LedgerEntry, LedgerPayload
from dueprocess.lib.folding import fold
from dueprocess.members.models import Member
from tests.api.conftest import api  # noqa: F401  (fixture)
from tests.web.conftest import signed_in  # noqa: F401  (fixture)
from tests.world import World


def found(world: World, term: str, persona: str = "case_manager") -> set[str]:
    listing = case_search_for(world.people[persona], CaseFilters(search=term))
    return {item.reference for item in listing.items}


def test_fold_ignores_case_accents_and_spacing():
    assert fold("  Zoë \t Ó  Briain ") == "zoe o briain" == fold("ZOE O BRIAIN")
    assert fold("Straße") == "strasse"


def test_a_respondent_is_found_by_folded_name_and_by_member_number(world: World):
    Member.objects.create(organisation=world.organisation, number="M-4417", full_name="Ana Wójcik")
    named = world.open_case(respondent=svc.PartyInput(name="Zoë   Ó Briain"))
    member = world.open_case(respondent=svc.PartyInput(member_number="M-4417"))
    other = world.open_case()
    assert found(world, "zoe o briain") == {named.reference}
    assert found(world, "ZOË Ó") == {named.reference}
    assert found(world, "wojcik") == {member.reference}  # the member record's name
    assert found(world, "m-4417") == {member.reference}
    assert found(world, "M-44") == set()  # a member number is matched whole
    assert other.reference not in found(world, "zoe")
    # a reference is still found as before
    assert found(world, other.reference[-4:]) >= {other.reference}


def test_a_complainant_is_found_by_name(world: World):
    case = world.open_case()  # complainant "Ola Complainant"
    world.open_case(respondent=svc.PartyInput(name="Someone Else"))
    assert case.reference in found(world, "ola complainant")
    assert found(world, "someone else") != set()
    assert found(world, "no such person") == set()


def test_an_anonymous_complainant_is_never_found_by_name_or_number(world: World):
    Member.objects.create(organisation=world.organisation, number="M-9001", full_name="Hid Den")
    case = world.open_case()
    party = case.parties.get(role="complainant")
    party.name, party.anonymous = "Yara Hidden", True
    party.member = Member.objects.get(number="M-9001")
    party.save()
    assert found(world, "yara") == set()
    assert found(world, "hid den") == set()
    assert found(world, "M-9001") == set()
    party.anonymous = False
    party.save()
    assert found(world, "yara") == {case.reference}  # the same row, named: found


def test_a_name_on_a_case_the_searcher_may_not_see_finds_nothing(world: World, api, signed_in):  # noqa: F811
    hidden = world.open_case(respondent=svc.PartyInput(name="Quentin Vále"))
    theirs = world.open_case(
        by="other_manager", unit=world.other_unit, respondent=svc.PartyInput(name="Quentin Roe")
    )
    assert found(world, "quentin vale") == {hidden.reference}
    assert found(world, "quentin vale", "other_manager") == set()
    assert found(world, "quentin", "other_manager") == {theirs.reference}
    page = signed_in("other_manager").get("/cases/", {"q": "Quentin Vale"})
    assert page.status_code == 200
    assert hidden.reference not in page.content.decode()
    response = api.get("/cases?search=quentin%20vale", "other_manager")
    assert response.status_code == 200
    assert response.json()["items"] == []
    assert hidden.reference not in response.content.decode()


def test_web_and_api_find_people_the_same_way(world: World, api, signed_in):  # noqa: F811
    case = world.open_case(respondent=svc.PartyInput(name="Zoë Marsh"))
    world.open_case()
    page = signed_in("case_manager").get("/cases/", {"q": "zoe   MARSH"})
    assert page.status_code == 200
    assert case.reference in page.content.decode()
    response = api.get("/cases?search=zoe%20marsh", "case_manager")
    assert response.status_code == 200
    assert [item["reference"] for item in response.json()["items"]] == [case.reference]


def _details(entry: LedgerEntry) -> dict:  # type: ignore[type-arg]
    payload = LedgerPayload.objects.get(seq=entry.seq)
    key = sealing.subject_key(payload.subject, create=False)
    assert key is not None
    raw = bytes(entry.entry)
    return json.loads(sealing.unseal(key, bytes(payload.nonce), bytes(payload.ciphertext), raw))


@pytest.mark.parametrize("channel", ["web", "api"])
def test_a_people_search_is_recorded_with_the_name_only_sealed(world, api, signed_in, channel):  # noqa: F811
    case = world.open_case(respondent=svc.PartyInput(name="Zoë Marsh"))
    if channel == "web":
        assert signed_in("case_manager").get("/cases/", {"q": "zoe marsh"}).status_code == 200
    else:
        assert api.get("/cases?search=zoe%20marsh", "case_manager").status_code == 200
    entry = LedgerEntry.objects.filter(action="case_list.viewed").latest("seq")
    details = _details(entry)
    assert details["shown"] == [case.reference]
    assert details["filters"] == {"search": "zoe marsh"}
    assert b"zoe" not in bytes(entry.entry).lower()  # the entry itself: pseudonyms only


def test_the_database_folds_every_latin_letter_as_fold_does(world: World):
    letters = [chr(c) for first, last in FOLDED_RANGES for c in range(first, last + 1)]
    samples = ["Zoë  Ó\tBriain ", "STRASSE Straße", "Ægir Œuvre", "Nguyễn Thị", "M-44 17"]
    texts = [*letters, *samples]
    Member.objects.create(organisation=world.organisation, number="X", full_name="X")
    for start in range(0, len(texts), 50):
        chunk = texts[start : start + 50]
        folds = {f"f{i}": Folded(Value(text)) for i, text in enumerate(chunk)}
        row = Member.objects.annotate(**folds).values(*folds).get()
        got = [row[f"f{i}"] for i in range(len(chunk))]
        assert got == [fold(text) for text in chunk]
