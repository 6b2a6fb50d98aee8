"""A letter from a rulebook template and a case's facts: subject, plain text, HTML and PDF.

The PDF is made with fpdf2 (pure Python): a fixed layout of the organisation's name, the date,
the addressee, the subject in bold and the body's paragraphs, with its creation date set to the
letter's own date so the same letter renders to the same bytes. A letter whose text fits
Latin-1 is set in the PDF's built-in Helvetica (nothing to embed, a few milliseconds); any other
letter is set in DejaVu Sans (shipped in ``letters/fonts`` with its licence, embedded as a
subset), which covers Latin, Greek and Cyrillic: "Zoë Łukasiewicz-Đorđević" prints as written.
Loading the TrueType font costs most of a second, and letters are rendered inside the step that
causes them, so it is loaded only when a letter needs it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from html import escape
from pathlib import Path

from fpdf import FPDF

from dueprocess.rulebook.errors import RulebookError
from dueprocess.rulebook.letters import Template, fill, read_template
from dueprocess.rulebook.loader import template_path


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str
    pdf: bytes
    content_sha256: str
    template_sha256: str


def load_template(name: str, dirs: tuple[Path, ...]) -> Template:
    """The template ``name`` from the first of ``dirs`` that has it, checked as on load."""
    template, issues = read_template(template_path(name, dirs))
    if template is None:
        raise RulebookError(issues)
    return template


def render(template: Template, values: dict[str, str], *, written_at: dt.datetime) -> Rendered:
    subject = " ".join(fill(template.subject, values).split())
    text = fill(template.body, values).strip() + "\n"
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    body = "\n".join(
        "<p>" + "<br>\n".join(escape(line) for line in p.strip().splitlines()) + "</p>"
        for p in paragraphs
    )
    html = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(subject)}</title></head>\n"
        '<body style="font-family: sans-serif; max-width: 40em; line-height: 1.4">\n'
        f"<p><strong>{escape(values.get('organisation', ''))}</strong><br>\n"
        f"{escape(values.get('date', ''))}</p>\n"
        f'<h1 style="font-size: 1.2em">{escape(subject)}</h1>\n{body}\n</body></html>\n'
    )
    pdf = _pdf(subject, paragraphs, values, written_at)
    digest = hashlib.sha256(f"{subject}\n\n{text}".encode()).hexdigest()
    return Rendered(
        subject=subject,
        text=text,
        html=html,
        pdf=pdf,
        content_sha256=digest,
        template_sha256=hashlib.sha256(template.text.encode()).hexdigest(),
    )


FONTS = Path(__file__).parent / "fonts"
FONT = "DejaVuSans"


def _printable(text: str) -> str:
    """The text as the embedded font can show it (it covers what letters hold); only control
    characters, which no font draws, are left out."""
    return "".join(ch for ch in text if ch in "\n\t" or ord(ch) >= 32)


def _line(pdf: FPDF, height: int, text: str) -> None:
    pdf.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT")


BUILT_IN = "Helvetica"


def _fits_latin_1(texts: list[str]) -> bool:
    try:
        "".join(texts).encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


def _pdf(subject: str, paragraphs: list[str], values: dict[str, str], at: dt.datetime) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_creation_date(at)
    pdf.set_title(_printable(subject))
    pdf.set_author(_printable(values.get("organisation", "")))
    pdf.set_margins(20, 20, 20)
    texts = [subject, *paragraphs, *(values.get(k, "") for k in ("organisation", "date"))]
    texts.append(values.get("recipient_name", ""))
    font = BUILT_IN
    if not _fits_latin_1(texts):
        font = FONT
        pdf.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
        pdf.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.add_page()
    pdf.set_font(font, "B", 13)
    _line(pdf, 7, _printable(values.get("organisation", "")))
    pdf.set_font(font, "", 10)
    _line(pdf, 6, _printable(values.get("date", "")))
    pdf.ln(4)
    _line(pdf, 6, _printable(values.get("recipient_name", "")))
    pdf.ln(6)
    pdf.set_font(font, "B", 11)
    _line(pdf, 6, _printable(subject))
    pdf.ln(3)
    pdf.set_font(font, "", 11)
    for paragraph in paragraphs:
        _line(pdf, 6, _printable(paragraph.strip()))
        pdf.ln(3)
    return bytes(pdf.output())
