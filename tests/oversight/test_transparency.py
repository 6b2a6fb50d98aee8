"""The transparency report accounts for every complaint received, exactly, on the demo."""

from __future__ import annotations

import zlib

from dueprocess.cases.models import Case, Decision
from dueprocess.oversight import transparency as tr
from dueprocess.oversight.suppression import Shown
from tests.shared_demo import module_demo

module_demo_built, demo = module_demo(cases=60, seed=11)


def _received(organisation, quarter):  # type: ignore[no-untyped-def]
    return Case.objects.filter(
        organisation=organisation, received_at__gte=quarter.start, received_at__lt=quarter.end
    ).count()


def test_the_last_four_quarters_reconcile_to_the_intake_count_exactly(demo):
    organisation = demo.organisation
    quarter = tr.latest_complete(organisation)
    quarters = [quarter]
    for _ in range(3):
        quarters.append(quarters[-1].previous())
    total_received = 0
    for q in quarters:
        report = tr.build(organisation, q)
        received = _received(organisation, q)
        assert report.table("intake").total == received, q
        # Every table about the complaints received adds up to the same number.
        assert report.table("acknowledgement").total == received
        total_received += received
    first, last = quarters[-1].start, quarters[0].end
    assert (
        total_received
        == Case.objects.filter(
            organisation=organisation, received_at__gte=first, received_at__lt=last
        ).count()
    )
    assert total_received > 0


def test_the_not_investigated_decisions_are_in_the_report(demo):
    organisation = demo.organisation
    counted = 0
    for q in tr.quarters_with_data(organisation):
        counted += tr.build(organisation, q).table("not_investigated").total
    assert (
        counted
        == Decision.objects.filter(
            case__organisation=organisation, kind=Decision.Kind.NOT_INVESTIGATED
        ).count()
    )
    assert counted > 0


def test_panel_tables_share_one_total_and_each_decision_is_counted_once(demo):
    organisation = demo.organisation
    for q in tr.quarters_with_data(organisation):
        report = tr.build(organisation, q)
        panel = {report.table(k).total for k in ("outcome_category", "outcome_sanction")}
        panel |= {report.table(k).total for k in ("departures", "guideline")}
        assert len(panel) == 1
        assert panel == {
            Decision.objects.filter(
                case__organisation=organisation,
                kind=Decision.Kind.PANEL,
                decided_at__gte=q.start,
                decided_at__lt=q.end,
            ).count()
        }


def test_published_figures_hide_small_cells_and_a_hidden_total_everywhere(demo):
    organisation = demo.organisation
    for q in tr.quarters_with_data(organisation):
        published = tr.publish(tr.build(organisation, q))
        by_population: dict[str, set[Shown]] = {}
        for view in published.tables.values():
            for count, cell in zip(view.table.counts, view.cells, strict=True):
                if 0 < count < 5:
                    assert cell.state is Shown.PRIMARY and cell.value is None
                if cell.state is Shown.EXACT:
                    assert cell.value == count
            by_population.setdefault(view.table.population, set()).add(view.total.state)
        for states in by_population.values():
            assert len(states) == 1  # a total is shown, or hidden, alike everywhere


def test_the_public_page_needs_no_sign_in_and_shows_only_published_figures(demo, client):
    organisation = demo.organisation
    quarter = tr.latest_complete(organisation)
    published = tr.publish(tr.build(organisation, quarter))
    response = client.get("/transparency/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Every complaint received, and where it stood" in page
    assert 'role="img"' in page and "<desc" in page
    intake = published.tables["intake"]
    assert f"<strong>{intake.total.text(5)}</strong>" in page
    for label, count, cell in zip(
        intake.table.labels, intake.table.counts, intake.cells, strict=True
    ):
        if cell.state is not Shown.EXACT:
            assert f'<th scope="row">{label}</th><td class="num"><em>{cell.text(5)}</em>' in page
            assert f"{label}: {count}<" not in page
    other = quarter.previous()
    assert client.get(f"/transparency/?quarter={other}").status_code == 200
    assert client.get("/transparency/?quarter=1999Q1").status_code == 404
    assert client.get("/transparency/?quarter=nonsense").status_code == 404


def test_the_page_offers_the_same_figures_as_json_csv_and_pdf(demo, client):
    quarter = tr.latest_complete(demo.organisation)
    data = client.get(f"/transparency/?quarter={quarter}&format=json").json()
    assert data["quarter"] == str(quarter)
    intake = next(t for s in data["sections"] for t in s["tables"] if t["key"] == "intake")
    report = tr.build(demo.organisation, quarter)
    exact = [r["count"] for r in intake["rows"] if isinstance(r["count"], int)]
    assert all(c == 0 or c >= 5 for c in exact)
    if isinstance(intake["total"], int):
        assert intake["total"] == report.table("intake").total
    csv = client.get(f"/transparency/?quarter={quarter}&format=csv").content.decode()
    assert csv.startswith("Quarter,Table,Row,Count\r\n")
    assert csv.count("\r\n") == 1 + sum(len(t.labels) + 1 for t in report.tables())
    pdf = client.get(f"/transparency/?quarter={quarter}&format=pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    text = b"".join(
        zlib.decompress(chunk.split(b"stream\n", 1)[1].split(b"\nendstream")[0])
        for chunk in pdf.content.split(b"endobj")
        if b"/FlateDecode" in chunk and b"stream\n" in chunk
    )
    assert b"Every complaint received" in text and b"fewer than 5" in text
