"""The register through the API: search, match and import, for those entitled to it."""

from __future__ import annotations

from dueprocess.members.models import Member
from tests.api.client import problem_code, problem_of
from tests.api.matrix import PERSONAS

VIEWERS = {"intake", "case_manager", "other_manager", "moved", "outsider"}


def seed(world) -> None:  # type: ignore[no-untyped-def]
    for number, name in (("NM-1", "Ada Lovelace"), ("NM-2", "Alan Turing")):
        Member.objects.create(organisation=world.organisation, number=number, full_name=name)


def test_searching_the_register_follows_the_matrix(api, world):
    seed(world)
    for persona in PERSONAS:
        response = api.get("/members?q=ada", persona)
        if persona not in VIEWERS:
            assert response.status_code == 403 and problem_code(response) == "forbidden", persona
            continue
        numbers = [m["number"] for m in response.json()["items"]]
        assert numbers == ([] if persona == "outsider" else ["NM-1"]), persona


def test_matching_follows_the_matrix_and_gives_reasons(api, world):
    seed(world)
    for persona in PERSONAS:
        response = api.post("/members/match", {"name": "alan  TURING"}, persona)
        if persona not in VIEWERS:
            assert response.status_code == 403, persona
            continue
        assert response.status_code == 200, persona
        if persona != "outsider":
            assert response.json() == [
                {
                    "member": {
                        "number": "NM-2",
                        "full_name": "Alan Turing",
                        "email": "",
                        "postcode": "",
                        "status": "active",
                        "joined_on": None,
                        "elected_office": "",
                    },
                    "score": 0.9,
                    "reasons": ["name matches"],
                }
            ]


def test_importing_follows_the_matrix(api, world):
    body = {"members": [{"number": "NM-9", "full_name": "Grace Hopper"}]}
    for persona in PERSONAS:
        response = api.post("/members/import", body, persona)
        want = 200 if persona in {"case_manager", "other_manager", "outsider"} else 403
        assert response.status_code == want, persona
    assert Member.objects.filter(organisation=world.organisation).count() == 1


def test_a_csv_import_reports_each_bad_row_and_writes_nothing(api, world):
    csv = "number,full_name,email\nNM-1,Ada Lovelace,ada@example.org\nNM-2,,alan@\n"
    response = api.post("/members/import", {"csv": csv}, "case_manager")
    assert response.status_code == 422 and problem_code(response) == "validation"
    assert problem_of(response)["errors"] == {
        "rows[1].full_name": "Required.",
        "rows[1].email": "Not a valid e-mail address.",
    }
    assert not Member.objects.exists()
    good = api.post(
        "/members/import", {"csv": csv.replace(",,alan@", ",Alan Turing,")}, "case_manager"
    )
    assert good.json() == {"created": 2, "updated": 0, "unchanged": 0, "rows": 2}


def test_an_import_must_be_rows_or_csv_not_both(api, world):
    both = {"members": [{"number": "1", "full_name": "A"}], "csv": "number,full_name\n1,A\n"}
    for body in (both, {}, {"members": []}):
        response = api.post("/members/import", body, "case_manager")
        assert response.status_code == 422, body
    assert not Member.objects.exists()


def test_the_register_scopes_are_separate_from_the_case_scopes(api, world):
    token = api.token("case_manager", scopes=("cases:read", "cases:write", "members:read"))
    assert api.get("/members", token=token).status_code == 200
    body = {"members": [{"number": "NM-9", "full_name": "Grace Hopper"}]}
    assert api.post("/members/import", body, token=token).status_code == 403
    assert not Member.objects.exists()
