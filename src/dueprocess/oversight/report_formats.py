"""The published transparency report in each format: a JSON document, CSV, HTML and PDF.

Every format is made from the same ``PublishedReport`` — the suppressed figures — so the page,
the command and the API can never disagree, and none of them can show a small number.
Charts are server-made SVG bars with the published figure written beside each bar; a hidden
cell has no bar at all (a bar's length would give its value away).
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.template.loader import render_to_string

from dueprocess.oversight import charts
from dueprocess.oversight.exports import _safe
from dueprocess.oversight.suppression import Shown
from dueprocess.oversight.transparency import PublishedReport

FORMATS = ("html", "csv", "json", "pdf")


def _measure(value: float | None, threshold: int) -> str:
    return f"{value:g} days" if value is not None else f"not shown (fewer than {threshold})"


SUMMARIES_TITLE = "Decisions in brief"
SUMMARIES_NOTE = (
    "Anonymised summaries of decisions made in the quarter, each written by the case team and "
    "approved by a second person. A summary is shown only where the figures above already show "
    "its category and its outcome exactly."
)


def summaries(published: PublishedReport) -> list[dict[str, Any]]:
    return [
        {
            "decision": "appeal" if row.kind == "appeal" else "panel",
            "category": row.category,
            "outcome": row.outcome,
            "sanctions": list(row.sanctions),
            "summary": row.text,
        }
        for row in published.summaries
    ]


def as_dict(published: PublishedReport) -> dict[str, Any]:
    """The report as the public JSON document. The ``decision_summaries`` key is there only when
    a summary is shown, so a quarter without any publishes exactly the bytes it always did."""
    report = published.report
    k = report.threshold
    sections = []
    for section in report.sections:
        tables = []
        for table in section.tables:
            view = published.tables[table.key]
            tables.append(
                {
                    "key": table.key,
                    "title": table.title,
                    "total_label": table.total_label,
                    "rows": [
                        {"label": label, "count": cell.json(), "shown": cell.text(k)}
                        for label, cell in zip(table.labels, view.cells, strict=True)
                    ],
                    "total": view.total.json(),
                    "note": table.note,
                }
            )
        sections.append(
            {
                "title": section.title,
                "tables": tables,
                "measures": [
                    {
                        "label": m.label,
                        "median_days": m.value,
                        "deadline": m.deadline,
                    }
                    for m in section.measures
                ],
            }
        )
    return {
        "organisation": report.organisation,
        "quarter": str(report.quarter),
        "period": {
            "start": report.quarter.start.isoformat(),
            "end": report.quarter.end.isoformat(),
        },
        "as_of": report.as_of.isoformat(),
        "complete": report.complete,
        "suppression": {
            "threshold": k,
            "fewer_than": f"a count from 1 to {k - 1}",
            "suppressed": "hidden so that a smaller count cannot be worked out from the others",
        },
        "sections": sections,
    } | (
        {"decision_summaries": {"note": SUMMARIES_NOTE, "summaries": summaries(published)}}
        if published.summaries
        else {}
    )


def as_json(published: PublishedReport) -> str:
    return json.dumps(as_dict(published), indent=2, ensure_ascii=False) + "\n"


def as_csv(published: PublishedReport) -> str:
    """One row per published cell: quarter, table, row, the figure as shown."""
    report = published.report
    k = report.threshold
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(("Quarter", "Table", "Row", "Count"))
    for table in report.tables():
        view = published.tables[table.key]
        for label, cell in zip(table.labels, view.cells, strict=True):
            writer.writerow((str(report.quarter), _safe(table.title), _safe(label), cell.text(k)))
        writer.writerow(
            (str(report.quarter), _safe(table.title), _safe(table.total_label), view.total.text(k))
        )
    return buffer.getvalue()


def html_context(published: PublishedReport) -> dict[str, Any]:
    report = published.report
    k = report.threshold
    sections = []
    for section in report.sections:
        views = []
        for table in section.tables:
            view = published.tables[table.key]
            rows = list(zip(table.labels, view.cells, strict=True))
            total = f"{table.total_label}: {view.total.text(k)}."
            views.append(
                {
                    "table": table,
                    "svg": charts.published_bars(view.table.key, view.table.title, rows, total, k),
                    "rows": [
                        (label, cell.text(k), cell.state is not Shown.EXACT)
                        for label, cell in zip(table.labels, view.cells, strict=True)
                    ],
                    "total": view.total.text(k),
                }
            )
        measures = [(m.label, _measure(m.value, k), m.deadline) for m in section.measures]
        sections.append({"title": section.title, "tables": views, "measures": measures})
    return {
        "report": report,
        "sections": sections,
        "threshold": k,
        "summaries": summaries(published),
        "summaries_title": SUMMARIES_TITLE,
        "summaries_note": SUMMARIES_NOTE,
    }


def as_html(published: PublishedReport, *, standalone: bool = True) -> str:
    template = "oversight/transparency_document.html" if standalone else "oversight/_report.html"
    return render_to_string(template, html_context(published))


def as_pdf(published: PublishedReport) -> bytes:
    """A plain PDF of the same figures, one line per row (fpdf2's core fonts, so text outside
    Latin-1 is replaced; the charts are in the HTML only)."""
    from fpdf import FPDF

    def text(value: str) -> str:
        swaps = {"–": "-", "—": "-", "…": "...", "“": '"', "”": '"', "’": "'", "‘": "'"}
        for old, new in swaps.items():
            value = value.replace(old, new)
        return value.encode("latin-1", "replace").decode("latin-1")

    data = as_dict(published)
    pdf = FPDF(format="A4")
    pdf.set_title(text(f"Transparency report {data['quarter']} - {data['organisation']}"))
    pdf.set_creator("dueprocess")
    pdf.set_lang("en-GB")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()

    def para(height: float, value: str) -> None:
        pdf.multi_cell(0, height, text(value), new_x="LMARGIN", new_y="NEXT")

    pdf.set_font("Helvetica", "B", 16)
    para(8, f"{data['organisation']}: transparency report, {data['quarter']}")
    pdf.set_font("Helvetica", "", 9)
    para(
        5,
        f"Complaints as they stood on {data['as_of'][:10]}. Counts from 1 to "
        f"{data['suppression']['threshold'] - 1} are shown as 'fewer than "
        f"{data['suppression']['threshold']}'; 'not shown' marks a count hidden so that a "
        "smaller one cannot be worked out.",
    )
    for section in data["sections"]:
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 13)
        para(7, section["title"])
        for table in section["tables"]:
            pdf.set_font("Helvetica", "B", 10)
            para(6, table["title"])
            pdf.set_font("Helvetica", "", 9)
            for row in [*table["rows"], {"label": table["total_label"], "shown": ""}]:
                shown = row["shown"] or str(
                    published.tables[table["key"]].total.text(data["suppression"]["threshold"])
                )
                pdf.cell(140, 5, text(row["label"]))
                pdf.cell(0, 5, text(shown), new_x="LMARGIN", new_y="NEXT", align="R")
        for measure in section["measures"]:
            value = measure["median_days"]
            shown = f"{value:g} days" if value is not None else "not shown (too few)"
            pdf.cell(140, 5, text(f"{measure['label']} (deadline {measure['deadline']})"))
            pdf.cell(0, 5, text(shown), new_x="LMARGIN", new_y="NEXT", align="R")
    if "decision_summaries" in data:
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 13)
        para(7, SUMMARIES_TITLE)
        pdf.set_font("Helvetica", "", 9)
        para(5, SUMMARIES_NOTE)
        for item in data["decision_summaries"]["summaries"]:
            pdf.ln(2)
            pdf.set_font("Helvetica", "B", 10)
            sanctions = f" ({', '.join(item['sanctions'])})" if item["sanctions"] else ""
            kind = "Appeal" if item["decision"] == "appeal" else "Panel decision"
            para(6, f"{kind}: {item['category']}. {item['outcome']}{sanctions}")
            pdf.set_font("Helvetica", "", 9)
            para(5, item["summary"])
    return bytes(pdf.output())


def render(published: PublishedReport, fmt: str) -> bytes:
    if fmt == "json":
        return as_json(published).encode()
    if fmt == "csv":
        return as_csv(published).encode()
    if fmt == "html":
        return as_html(published).encode()
    if fmt == "pdf":
        return as_pdf(published)
    raise ValueError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
