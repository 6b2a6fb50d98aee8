"""The dashboard: aggregates for oversight, links to cases only for those who may open them."""

from __future__ import annotations

import csv
import io
import re

import pytest

from dueprocess.accounts.services import role_grant
from dueprocess.cases import services as svc
from dueprocess.errors import Forbidden
from dueprocess.oversight import charts
from dueprocess.oversight.exports import figure_csv
from dueprocess.oversight.figure import Figure, Row
from dueprocess.oversight.queries import dashboard_for, figure_cases_for, figure_for
from tests.oversight.conftest import LIGHTER, approach, at_panel, decide, ledger_actions

PARTY_NAMES = ("Rex Respondent", "Ola Complainant")


@pytest.fixture
def story(world):
    """A downgrade after an approach, a case in triage, and a suspension with a sign-off."""
    case = at_panel(world)
    approach(world, case)
    decide(world, case, LIGHTER, "Apologised.")
    other = world.case_at("triage")
    elected = world.case_at(
        "investigation", respondent=svc.PartyInput(name="Rex Respondent", elected_office="MP")
    )
    svc.interim_measure_impose(
        actor=world.case_manager,
        case=elected,
        kind="administrative_suspension",
        ground="risk_of_harm",
        reasons="Threats.",
    )
    return [case, other, elected]


def test_oversight_sees_every_figure_and_no_case_reference_or_party_name(world, story, client_for):
    response = client_for("oversight").get("/oversight/")
    page = response.content.decode()
    assert response.status_code == 200
    for title in ("Backlog by stage and age", "Decisions against recommendations", "Alerts"):
        assert title in page
    for case in story:
        assert case.reference not in page and case.summary not in page
    for name in PARTY_NAMES:
        assert name not in page
    assert "/cases/" not in page  # no links to lists of cases, nor to a case
    assert "Counts only" in page


def test_a_case_manager_gets_links_to_the_cases_behind_each_figure(world, story, client_for):
    page = client_for("case_manager").get("/oversight/").content.decode()
    links = set(re.findall(r'href="(/oversight/figures/[a-z]+/cases/\?[^"]+)"', page))
    assert "/oversight/figures/decisions/cases/?direction=downgrade" in links
    listing = client_for("case_manager").get(
        "/oversight/figures/decisions/cases/?direction=downgrade"
    )
    assert story[0].reference in listing.content.decode()
    assert story[1].reference not in listing.content.decode()


def test_oversight_cannot_open_the_cases_behind_a_figure(world, story, client_for):
    response = client_for("oversight").get("/oversight/figures/backlog/cases/?stage=triage")
    assert response.status_code == 403
    assert story[1].reference not in response.content.decode()


def test_the_list_behind_a_figure_holds_only_cases_the_viewer_may_open(world, story):
    listing = figure_cases_for(world.other_manager, "backlog", {"stage": "triage"})
    assert listing.cases == [] and listing.total == 0
    listing = figure_cases_for(world.reviewer, "backlog", {"stage": "triage"})
    assert [c.reference for c in listing.cases] == [story[1].reference]


@pytest.mark.parametrize("persona", ["political", "investigator", "admin", "intake"])
def test_people_without_oversight_are_refused_and_the_attempt_recorded(world, persona, client_for):
    before = ledger_actions("access.denied")
    assert client_for(persona).get("/oversight/").status_code == 403
    assert client_for(persona).get("/oversight/figures/backlog.csv").status_code == 403
    assert ledger_actions("access.denied") == before + 2


def test_each_look_at_the_dashboard_is_recorded_before_it_is_shown(world, story):
    before = ledger_actions("oversight.viewed")
    board = dashboard_for(world.oversight)
    assert ledger_actions("oversight.viewed") == before + 1
    assert set(board.figures) >= {"backlog", "deadlines", "decisions", "channels", "consistency"}


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/oversight/figures/nonsense/cases/?x=1", 404),
        ("/oversight/figures/nonsense.csv", 404),
        ("/oversight/figures/backlog/cases/?stage=%00", 422),
        ("/oversight/figures/backlog/cases/?age=ancient", 422),
        ("/oversight/figures/deadlines/cases/", 422),
        ("/oversight/figures/decisions/cases/?direction=sideways", 422),
        ("/oversight/figures/deciders/cases/?member=abc", 422),
        ("/oversight/figures/channels/cases/?month=2026-13", 422),
        ("/oversight/figures/channels/cases/?series=approach_other&state=answered", 422),
        ("/oversight/figures/interim/cases/?kind=administrative_suspension&ground=press", 422),
        ("/oversight/figures/signoffs/cases/?rule=leader_suspension&state=vetoed", 422),
        ("/oversight/figures/consistency/cases/?category=" + "x" * 500, 422),
    ],
)
def test_bad_figure_filters_get_a_clear_error_never_a_500(world, client_for, url, status):
    response = client_for("case_manager").get(url)
    assert response.status_code == status


def test_every_drill_down_filter_on_the_dashboard_opens_a_list(world, story, client_for):
    client = client_for("reviewer")
    page = client.get("/oversight/").content.decode()
    links = set(re.findall(r'href="(/oversight/figures/[a-z]+/cases/\?[^"]+)"', page))
    assert len(links) > 20
    for link in links:
        assert client.get(link.replace("&amp;", "&")).status_code == 200, link


def test_the_csv_export_is_the_figures_table(world, story, client_for):
    response = client_for("oversight").get("/oversight/figures/backlog.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    figure = figure_for(world.oversight, "backlog")
    assert rows[0] == list(figure.columns)
    assert rows[1:] == [[str(c) for c in row.cells] for row in figure.rows]


def test_the_csv_export_defuses_spreadsheet_formulas():
    figure = Figure("x", "T", "S", ("Name", "N"), (Row(("=HYPERLINK(1)", 2)), Row(("-1", 3))))
    assert figure_csv(figure).splitlines()[1:] == ["'=HYPERLINK(1),2", "'-1,3"]


def test_a_chart_has_a_title_a_description_and_an_exact_title_per_bar(world, story):
    figure = figure_for(world.oversight, "decisions")
    svg = str(charts.render(figure))
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert f'<title id="chart-decisions-title">{figure.title}</title>' in svg
    assert '<desc id="chart-decisions-desc">' in svg
    assert "Lighter than recommended, Decisions: 1</title>" in svg
    assert "<script" not in svg and "style=" not in svg


def visible_labels(svg: str) -> list[str]:
    """The text each row label shows (its lines joined), leaving out the hover titles."""
    labels = re.findall(r'<text x="\d+" y="\d+" text-anchor="end">(.*?)</text>', svg)
    return [" ".join(re.findall(r"<tspan[^>]*>(.*?)</tspan>", label)) for label in labels]


@pytest.mark.parametrize("chart", ["bars", "published"])
def test_long_row_labels_are_wrapped_in_full_so_no_two_rows_read_the_same(chart):
    from dueprocess.oversight.suppression import Published, Shown

    first = "Conduct towards another member at a branch meeting, in person"
    second = "Conduct towards another member at a branch meeting, online"
    if chart == "bars":
        figure = Figure("x", "T", "S", ("Category", "N"), (Row((first, 2)), Row((second, 3))))
        svg = str(charts.render(figure))
    else:
        cell = Published(value=7, state=Shown.EXACT)
        svg = str(charts.published_bars("x", "T", [(first, cell), (second, cell)], "14", 5))
    assert visible_labels(svg) == [first, second]
    assert "…" not in svg


def test_a_chart_whose_bars_link_is_a_group_with_each_link_named_not_an_image():
    rows = (Row(("Received", 2), filters={"stage": "received"}), Row(("Triage", 3)))
    figure = Figure("x", "T", "S", ("Stage", "N"), rows)
    linked = str(charts.render(figure, lambda filters: "/cases/?stage=received"))
    assert 'role="group"' in linked and 'role="img"' not in linked  # no link inside an image
    assert re.findall(r"<a [^>]*>", linked) == [
        '<a href="/cases/?stage=received" aria-label="List the cases: Received (2)">'
    ]
    assert 'role="img"' in str(charts.render(figure))  # without links it stays an image


def test_chart_text_is_escaped(world):
    figure = Figure("x", "<b>T</b>", "S & T", ("Name", "N"), (Row(("<script>", 2)),))
    svg = str(charts.render(figure))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "S &amp; T" in svg


def test_the_figures_of_another_organisation_are_not_mixed_in(world, story, outsider):
    with pytest.raises(Forbidden):
        dashboard_for(world.political)
    role_grant(actor=None, user=outsider, role="oversight")
    board = dashboard_for(outsider)
    assert board.figures["backlog"].total(len(board.figures["backlog"].columns) - 1) == 0
    assert board.figures["decisions"].total(1) == 0
