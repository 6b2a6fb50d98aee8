"""Oversight through the API: every figure in one call, CSVs, the interference register in
pages (a leader's objection included), and the transparency report — by the one rule
(``oversight.view``), each reading recorded before anything is returned."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from dueprocess.cases import services as svc
from dueprocess.cases.models import Approach, SignOff
from dueprocess.ledger.models import LedgerEntry
from dueprocess.oversight import transparency as tr
from dueprocess.oversight.exports import figure_csv
from dueprocess.oversight.queries import FIGURES, figure_for
from tests.api.client import problem_code
from tests.api.matrix import PERSONAS
from tests.oversight.conftest import approach, elected_case, suspend

#: ``outsider`` is a case manager of another organisation: it reads that organisation's figures.
MAY_OVERSEE = {"oversight", "reviewer", "case_manager", "other_manager", "outsider"}
SCOPE = ("oversight:read",)


def _count(action: str) -> int:
    return LedgerEntry.objects.filter(action=action).count()


def test_an_oversight_token_reads_every_figure_in_one_recorded_call(api, world):
    before = _count("oversight.viewed")
    response = api.get("/oversight/figures", "oversight", scopes=SCOPE)
    assert response.status_code == 200, response.content
    body = response.json()
    assert [f["key"] for f in body["figures"]] == list(FIGURES)
    assert _count("oversight.viewed") == before + 1
    entry = LedgerEntry.objects.filter(action="oversight.viewed").latest("seq")
    assert entry.action == "oversight.viewed"
    for key in FIGURES:
        one = api.get(f"/oversight/figures/{key}", "oversight", scopes=SCOPE)
        assert one.status_code == 200 and one.json()["key"] == key
        csv = api.get(f"/oversight/figures/{key}/csv", "oversight", scopes=SCOPE)
        assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
        assert csv.content.decode() == figure_csv(figure_for(world.oversight, key))
    assert problem_code(api.get("/oversight/figures/nonsense", "oversight", scopes=SCOPE)) == (
        "not-found"
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_read_the_figures_follows_the_one_rule(api, persona):
    denied = _count("access.denied")
    response = api.get("/oversight/figures", persona)
    if persona in MAY_OVERSEE:
        assert response.status_code == 200
    else:
        assert response.status_code in (403, 404)
        assert _count("access.denied") == denied + 1
        assert api.get("/oversight/register?kind=approach", persona).status_code in (403, 404)


def test_a_token_without_the_scope_is_refused_and_the_refusal_recorded(api):
    denied = _count("access.denied")
    response = api.get("/oversight/figures", "oversight", scopes=("cases:read",))
    assert response.status_code == 403 and problem_code(response) == "forbidden"
    assert _count("access.denied") == denied + 1
    assert api.get("/oversight/figures").status_code == 401


def test_the_leaders_objection_is_in_the_register_and_its_reasons_only_for_case_viewers(api, world):
    case = elected_case(world)
    suspend(world, case)
    svc.signoff_record(
        actor=world.political,
        signoff=SignOff.objects.get(),
        outcome="objected",
        reasons="The member has apologised; a suspension is disproportionate.",
    )
    seen = api.get("/oversight/register?kind=signoff", "oversight", scopes=SCOPE).json()
    (item,) = seen["items"]
    assert item["facts"]["status"] == "objected"
    assert item["facts"]["recorded_by"] == str(world.political)
    assert item["case_reference"] is None and item["details"] is None  # oversight: no case data
    listed = _count("case_list.viewed")
    reviewer = api.get("/oversight/register?kind=signoff", "reviewer", scopes=SCOPE).json()
    (item,) = reviewer["items"]
    assert item["case_reference"] == case.reference
    assert item["details"]["reasons"].startswith("The member has apologised")
    assert _count("case_list.viewed") == listed + 1  # the cases shown are on the record


def test_the_whole_register_comes_in_pages_with_a_stable_cursor(api, world):
    case = world.case_at("investigation")
    for _ in range(5):
        approach(world, case)
    cursor, ids, calls = "", [], 0
    while True:
        page = api.get(
            f"/oversight/register?kind=approach&limit=2&cursor={cursor}", "reviewer", scopes=SCOPE
        ).json()
        calls += 1
        ids += [item["id"] for item in page["items"]]
        assert page["total"] == 5
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert ids == list(Approach.objects.order_by("occurred_at", "pk").values_list("pk", flat=True))
    assert calls == 3
    elsewhere = api.get("/oversight/register?kind=approach", "outsider", scopes=SCOPE).json()
    assert elsewhere["total"] == 0 and elsewhere["items"] == []
    bad = api.get("/oversight/register?kind=approach&cursor=bm9wZQ", "reviewer", scopes=SCOPE)
    assert bad.status_code == 422 and problem_code(bad) == "validation"
    assert api.get("/oversight/register?kind=gossip", "reviewer", scopes=SCOPE).status_code == 422


def test_the_transparency_report_is_public_and_its_exact_counts_are_for_oversight(api, world):
    quarter = tr.Quarter.containing(tr.clock.now()).previous()
    with tr.clock.frozen(quarter.start + dt.timedelta(days=3)):
        for _ in range(2):
            world.open_case()
    current = tr.Quarter.containing(tr.clock.now())
    # the api's world has a second organisation (the outsider's): the public report is named
    ours = f"?organisation={world.organisation.slug}"
    assert api.get(f"/oversight/transparency/{current}{ours}").status_code == 422  # not over yet
    live = api.get(f"/oversight/transparency/{current}/exact", "oversight", scopes=SCOPE)
    assert live.status_code == 200 and live.json()["complete"] is False
    assert api.get(f"/oversight/transparency/{quarter}").status_code == 404  # which one?
    public = api.get(f"/oversight/transparency/{quarter}{ours}")
    assert public.status_code == 200
    intake = next(t for s in public.json()["sections"] for t in s["tables"] if t["key"] == "intake")
    assert intake["total"] == "fewer_than"  # two complaints: too few to show
    assert api.get(f"/oversight/transparency/{quarter}/exact").status_code == 401
    before = _count("oversight.viewed")
    exact = api.get(f"/oversight/transparency/{quarter}/exact", "oversight", scopes=SCOPE)
    assert exact.status_code == 200
    intake = next(t for s in exact.json()["sections"] for t in s["tables"] if t["key"] == "intake")
    assert intake["total"] == 2
    assert _count("oversight.viewed") == before + 1
    assert api.get(f"/oversight/transparency/2026Q9{ours}").status_code == 422
    assert json.loads(api.get("/openapi.json").content)["paths"]["/api/v1/oversight/register"]
