"""Decisions outside the guideline are counted per category and sanction, never listed: no
dates, no panel names, and small counts suppressed, so nobody can pick out a case."""

from __future__ import annotations

from dueprocess.cases.models import Decision
from dueprocess.oversight.queries import figure_cases_for, figure_for
from tests.oversight.conftest import RECOMMENDED, at_panel, decide

NO_COURSE = ["suspension"]  # leaves out the course the guideline requires: outside it
BELOW = ["reminder_of_conduct", "education_course"]  # below the guideline range


def test_outliers_are_counted_by_category_and_sanction_without_dates_or_names(world, client_for):
    cases = []
    for sanctions in [NO_COURSE] * 5 + [BELOW] * 2 + [RECOMMENDED]:
        case = at_panel(world, sanctions=sanctions)
        decide(world, case, sanctions, "Reasons.")
        cases.append(case)
    assert Decision.objects.filter(outside_guideline=True).count() == 7
    category = world.rules.categories[cases[0].category]

    figure = figure_for(world.oversight, "outliers")
    assert figure.columns == (
        "Category",
        "Sanction",
        "Guideline",
        "Outside the guideline",
        "Outside the middle 80%",
    )
    rows = {r.cells[1]: r.cells for r in figure.rows}
    assert set(rows) == {"Suspension of membership", "Reminder of conduct"}
    suspension = rows["Suspension of membership"]
    assert suspension[0] == category.label and suspension[3] == 5
    assert rows["Reminder of conduct"][3] == "fewer than 5"  # two decisions: too few to show

    response = client_for("oversight").get("/oversight/figures/outliers.csv")
    assert response.status_code == 200
    csv = response.content.decode()
    panels = {str(u) for d in Decision.objects.all() for u in d.panel.all()}
    names = {world.panel_chair.full_name, *panels}
    page = client_for("oversight").get("/oversight/").content.decode()
    section = page.split('id="figure-outliers"', 1)[1].split("</figure>", 1)[0]
    assert "fewer than 5" in section
    for text in (csv, section):
        assert not any(name in text for name in names)
    dates = {f"{d.decided_at:%d %b %Y}" for d in Decision.objects.all()}
    dates |= {f"{d.decided_at:%Y-%m-%d}" for d in Decision.objects.all()}
    assert not any(date in text for date in dates for text in (csv, section))
    assert "fewer than 5" in csv and ",5," in csv

    listing = figure_cases_for(
        world.case_manager,
        "outliers",
        {"category": cases[0].category, "sanction": "reminder_of_conduct"},
    )
    assert sorted(c.pk for c in listing.cases) == sorted(c.pk for c in cases[5:7])
