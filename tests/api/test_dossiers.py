"""Dossiers through the API: preview, import, read back; refusals as problems."""

from __future__ import annotations

from dueprocess.cases.models import Case, Dossier
from dueprocess.members.models import Member
from tests.api.client import problem_code, problem_of

ROW = {
    "respondent_name": "Ada Lovelace",
    "respondent_postcode": "zz1 1aa",
    "category": "other_conduct",
    "summary": "Posted abuse about a volunteer.",
    "unit": "complaints",
}
OUTSIDER = ROW | {"respondent_name": "Quentin Nobody", "summary": "Shouted at a meeting."}


def test_preview_then_import_then_read_back(api, world):
    Member.objects.create(
        organisation=world.organisation, number="NM-1", full_name="Ada Lovelace", postcode="ZZ1 1AA"
    )
    body = {"rows": [ROW, OUTSIDER], "preview": True}
    preview = api.post("/dossiers", body, "intake")
    assert preview.status_code == 200, preview.content
    shown = preview.json()
    assert (shown["id"], shown["new"], shown["summary"]) == (
        None,
        2,
        "1 of 2 respondents are not members",
    )
    assert shown["items"][0]["reason"] == "name and postcode match"
    assert shown["items"][1]["reason"] == "no candidate above 0.75"
    assert not Case.objects.exists()

    done = api.post("/dossiers", {"rows": [ROW, OUTSIDER]}, "intake")
    assert done.status_code == 201, done.content
    result = done.json()
    assert result["created"] == 2 and result["items"][0]["member"] == "NM-1"
    assert Case.objects.filter(source="dossier", dossier_id=result["id"]).count() == 2

    again = api.post("/dossiers", {"rows": [ROW, OUTSIDER]}, "case_manager")
    assert again.status_code == 422
    assert f"already imported as dossier {result['id']}" in problem_of(again)["detail"]

    read = api.get(f"/dossiers/{result['id']}", "case_manager")
    assert read.status_code == 200
    assert [i["reference"] for i in read.json()["items"]] == [
        i["reference"] for i in result["items"]
    ]
    assert api.get(f"/dossiers/{result['id']}", "outsider").status_code == 404
    assert api.get(f"/dossiers/{result['id']}", "investigator").status_code == 403


def test_csv_with_a_bad_row_is_refused_whole(api, world):
    text = (
        "respondent_name,category,summary,unit\n"
        "Rex Example,other_conduct,Said things,complaints\n"
        "Rex Example,gossip,Said other things,complaints\n"
    )
    response = api.post("/dossiers", {"csv": text}, "intake")
    assert response.status_code == 422 and problem_code(response) == "validation"
    assert list(problem_of(response)["errors"]) == ["row 2.category"]
    assert not Case.objects.exists() and not Dossier.objects.exists()
    unknown = api.post("/dossiers", {"rows": [ROW | {"colour": "red"}]}, "intake")
    assert unknown.status_code == 422
    assert not Case.objects.exists()


def test_only_those_who_open_cases_may_import(api, world):
    for persona in ("investigator", "oversight", "political", "admin", "panel_chair"):
        response = api.post("/dossiers", {"rows": [ROW]}, persona)
        assert response.status_code == 403, persona
    assert not Case.objects.exists()
