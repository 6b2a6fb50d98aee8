"""Server-made SVG charts: no JavaScript, nothing fetched, readable by screen readers.

Each chart carries a ``<title>`` and a ``<desc>`` (the figure's one-sentence summary), every bar
and point has its own ``<title>`` with the exact number, and the page always shows the same
numbers as a table next to it. Colours are the Okabe–Ito palette (distinguishable with the
common colour-vision deficiencies). Presentation is set by
SVG attributes, not ``style``, so the strict content security policy needs no exception.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from dueprocess.oversight.figure import Figure, Row
from dueprocess.oversight.suppression import Published, Shown

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000")
WIDTH = 720
FONT = 'font-family="system-ui, sans-serif" font-size="12"'

Linker = Callable[[dict[str, str]], str] | None
LINE_HEIGHT = 14


def _label_lines(label: str, width: int) -> list[str]:
    """A row label in full, wrapped onto as many lines of ``width`` characters as it needs: a
    label is never cut, so two rows never read the same."""
    return textwrap.wrap(label, width, break_on_hyphens=False) or [""]


def _label(label: str, lines: list[str], x: int, y: int) -> str:
    """A right-aligned label whose first line sits at ``y``, with the full text as its title."""
    spans = "".join(
        f'<tspan x="{x}" dy="{0 if i == 0 else LINE_HEIGHT}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text x="{x}" y="{y}" text-anchor="end"><title>{escape(label)}</title>{spans}</text>'


def _row_height(lines: list[str], least: int) -> int:
    return max(least, LINE_HEIGHT * len(lines) + 12)


def render(figure: Figure, link: Linker = None) -> SafeString:
    """The figure's chart as inline SVG (empty for figures that are lists, not charts)."""
    if figure.chart == "none" or not figure.rows:
        return mark_safe("")
    if figure.chart == "multiples":
        body, height = _multiples(figure)
    else:
        body, height = _bars(figure, link)
    key = escape(figure.key)
    # A chart whose bars are links is a group, not an image: an image's content is hidden
    # from assistive technology, so links inside it could be neither found nor followed
    # (axe's ``nested-interactive``). Each link is named by its row.
    role = "group" if "<a " in body else "img"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="{role}" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="chart-{key}-title chart-{key}-desc" {FONT}>'
        f'<title id="chart-{key}-title">{escape(figure.title)}</title>'
        f'<desc id="chart-{key}-desc">{escape(figure.summary)}</desc>'
    )
    return mark_safe(head + body + "</svg>")  # noqa: S308 (every text part is escaped)


def _legend(names: list[str], y: int) -> tuple[str, int]:
    """A legend that wraps onto as many rows as it needs; returns (svg, height used)."""
    parts, x, row = [], 8, 0
    for i, name in enumerate(names):
        width = 28 + 7 * len(name)
        if x + width > WIDTH and x > 8:
            x, row = 8, row + 1
        top = y + row * 20
        colour = PALETTE[i % len(PALETTE)]
        parts.append(f'<rect x="{x}" y="{top}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 22}" y="{top + 10}">{escape(name)}</text>')
        x += width
    return "".join(parts), (row + 1) * 20 + 6


def _value(row: Row, column: int) -> int:
    cell = row.cells[column]
    return cell if isinstance(cell, int) else 0


def _bars(figure: Figure, link: Linker) -> tuple[str, int]:
    """Horizontal bars; several series are stacked in one bar per row."""
    names = figure.series_names()
    parts, top = [], 8
    if len(names) > 1:
        legend, used = _legend(names, top)
        parts.append(legend)
        top += used
    label_width, bar_left, bar_room, row_height = 250, 258, WIDTH - 258 - 60, 26
    totals = [sum(_value(r, c) for c in figure.series) for r in figure.rows]
    scale = bar_room / max(max(totals, default=0), 1)
    y = top
    for index, row in enumerate(figure.rows):
        label = str(row.cells[figure.label_column])
        lines = _label_lines(label, 38)
        parts.append(_label(label, lines, label_width, y + 16))
        segments, x = [], float(bar_left)
        for series, column in enumerate(figure.series):
            value = _value(row, column)
            if not value:
                continue
            width = value * scale
            segments.append(
                f'<rect x="{x:.1f}" y="{y + 4}" width="{max(width, 1.5):.1f}" height="18" '
                f'fill="{PALETTE[series % len(PALETTE)]}">'
                f"<title>{escape(label)}, {escape(figure.columns[column])}: {value}</title></rect>"
            )
            x += width
        segments.append(f'<text x="{x + 6:.1f}" y="{y + 17}">{totals[index]}</text>')
        href = link(row.filters) if link and row.filters and figure.listable else ""
        if href:
            name = escape(f"List the cases: {label} ({totals[index]})")
            parts.append(f'<a href="{escape(href)}" aria-label="{name}">{"".join(segments)}</a>')
        else:
            parts.extend(segments)
        y += _row_height(lines, row_height)
    return "".join(parts), y + 8


def _multiples(figure: Figure) -> tuple[str, int]:
    """Small multiples: one row of monthly bars per series, all on the same scale, so a rare
    event stays visible next to a common one and no line hides behind another."""
    left, right, band, top = 258, WIDTH - 12, 56, 8
    slot = (right - left) / max(len(figure.rows), 1)
    peak = max((_value(r, c) for r in figure.rows for c in figure.series), default=0)
    scale = (band - 26) / max(peak, 1)
    parts = []
    for series, column in enumerate(figure.series):
        base = top + series * band + band - 10
        colour = PALETTE[series % len(PALETTE)]
        name = figure.columns[column]
        parts.append(
            f'<text x="{left - 8}" y="{base - 6}" text-anchor="end">{escape(name)}</text>'
            f'<line x1="{left}" y1="{base}" x2="{right}" y2="{base}" stroke="#999" '
            'stroke-width="1"/>'
        )
        for index, row in enumerate(figure.rows):
            value = _value(row, column)
            if not value:
                continue
            height, x = value * scale, left + index * slot
            month = escape(str(row.cells[figure.label_column]))
            parts.append(
                f'<rect x="{x + 3:.1f}" y="{base - height:.1f}" width="{slot - 6:.1f}" '
                f'height="{height:.1f}" fill="{colour}"><title>{month}, {escape(name)}: '
                f'{value}</title></rect><text x="{x + slot / 2:.1f}" y="{base - height - 3:.1f}" '
                f'text-anchor="middle">{value}</text>'
            )
    bottom = top + len(figure.series) * band
    for index, row in enumerate(figure.rows):
        label = str(row.cells[figure.label_column]).split()[0]
        x = left + index * slot + slot / 2
        parts.append(
            f'<text x="{x:.1f}" y="{bottom + 8}" text-anchor="middle">{escape(label)}</text>'
        )
    return "".join(parts), bottom + 20


def published_bars(
    key: str, title: str, rows: list[tuple[str, Published]], total: str, threshold: int
) -> SafeString:
    """Bars for a published (suppressed) table: a bar only for a count shown exactly, and the
    published figure written beside every row — a hidden count has no bar, since a bar's
    length would give its value away."""
    label_width, bar_left, row_height = 330, 338, 26
    room = WIDTH - bar_left - 130
    shown = [c.value or 0 for _, c in rows if c.state is Shown.EXACT]
    scale = room / max(max(shown, default=0), 1)
    parts, y = [], 8
    for label, cell in rows:
        text = cell.text(threshold)
        lines = _label_lines(label, 52)
        parts.append(_label(label, lines, label_width, y + 16))
        end = float(bar_left)
        if cell.state is Shown.EXACT and cell.value:
            width = max(cell.value * scale, 1.5)
            parts.append(
                f'<rect x="{bar_left}" y="{y + 4}" width="{width:.1f}" height="18" '
                f'fill="{PALETTE[0]}"><title>{escape(label)}: {escape(text)}</title></rect>'
            )
            end += width
        parts.append(f'<text x="{end + 6:.1f}" y="{y + 17}">{escape(text)}</text>')
        y += _row_height(lines, row_height)
    height = y + 8
    ident = escape(key)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="chart-{ident}-title chart-{ident}-desc" {FONT}>'
        f'<title id="chart-{ident}-title">{escape(title)}</title>'
        f'<desc id="chart-{ident}-desc">{escape(total)}</desc>'
    )
    return mark_safe(head + "".join(parts) + "</svg>")  # noqa: S308 (every text part is escaped)
