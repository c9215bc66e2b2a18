"""A document (contract, BAST, kuitansi) as an A4 PDF: fpdf2 with embedded Unicode fonts.

Names are typed by people: Arabic pesantren names, Latin with combining marks, a symbol or an
emoji. Every character prints as typed: Noto Sans for Latin (and Greek, Cyrillic), Noto Naskh
Arabic as the first fallback (shaped and set right to left by fpdf2's text shaping, which uses
uharfbuzz), a symbol and emoji font as the last (``fonts/README.md`` names the files and their
licences). fpdf2 embeds only the glyphs a document uses.
"""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF
from fpdf.enums import TableBordersLayout

LINE = 5.2
SIGNATURE_HEIGHT = 58  # mm a signature row needs: role, organisation, meterai box, name
FONTS = Path(__file__).with_name("fonts")
FAMILY = "NotoSans"
FALLBACKS = ("NotoNaskhArabic", "SymbolaEmoji")
FONT_FILES = {
    (FAMILY, ""): "NotoSans-Regular.ttf",
    (FAMILY, "B"): "NotoSans-Bold.ttf",
    ("NotoNaskhArabic", ""): "NotoNaskhArabic-Regular.ttf",
    ("NotoNaskhArabic", "B"): "NotoNaskhArabic-Bold.ttf",
    ("SymbolaEmoji", ""): "SymbolaEmoji.ttf",
}


def _text(value) -> str:
    return str(value)


def _use_unicode_fonts(pdf: FPDF) -> None:
    for (family, style), name in FONT_FILES.items():
        pdf.add_font(family, style, str(FONTS / name))
    # exact_match=False: bold text falls back to the regular symbol font (it has no bold)
    pdf.set_fallback_fonts(list(FALLBACKS), exact_match=False)
    # The documents read left to right (Indonesian, English); an Arabic name inside a line is
    # a right-to-left run of it (the Unicode bidi algorithm), shaped by HarfBuzz.
    pdf.set_text_shaping(True, direction="ltr")


class _DocumentPDF(FPDF):
    """Every page carries the document's number and its page of the total, so a loose page of
    a signed contract can be told apart."""

    footer_text = ""

    def footer(self):
        self.set_y(-12)
        self.set_font(FAMILY, "", 8)
        self.cell(0, 5, f"{self.footer_text}   {self.page_no()}/{{nb}}", align="C")


def render_document_pdf(doc) -> bytes:
    """``doc``: a ``documents.Document`` in the reader's language."""
    pdf = _DocumentPDF(format="A4")
    _use_unicode_fonts(pdf)
    pdf.footer_text = _text(doc.number)
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_title(_text(f"{doc.title} {doc.number}"))
    pdf.add_page()
    width = pdf.epw

    def text(value, size=10, style="", align="J", h=LINE):
        pdf.set_font(FAMILY, style, size)
        pdf.multi_cell(width, h, _text(value), align=align, new_x="LMARGIN", new_y="NEXT")

    text(doc.title, 14, "B", "C", 7)
    text(doc.subtitle, 11, "B", "C", 6)
    text(doc.number, 10, "", "C")
    pdf.ln(4)
    *body, last = doc.blocks or [None]
    for block in body:
        _block(pdf, block)
    # The closing clause and the signatures share a page: when they do not both fit below the
    # text, they move to the next page together (never a page of signatures alone).
    with pdf.offset_rendering() as trial:
        _closing(trial, last, doc)
    if trial.page_break_triggered and pdf.get_y() > pdf.t_margin + LINE:
        pdf.add_page()
    _closing(pdf, last, doc)
    return bytes(pdf.output())


def _closing(pdf: FPDF, block, doc) -> None:
    if block is not None:
        _block(pdf, block)
    _signatures(pdf, doc)


def _block(pdf: FPDF, block) -> None:
    width = pdf.epw

    def text(value, size=10, style="", align="J", h=LINE):
        pdf.set_font(FAMILY, style, size)
        pdf.multi_cell(width, h, _text(value), align=align, new_x="LMARGIN", new_y="NEXT")

    if block.heading:
        pdf.ln(1)
        text(block.heading, 10.5, "B", "L", 6)
    if block.lead:
        text(block.lead)
    if block.facts:
        _facts(pdf, block.facts)
    for paragraph in block.paragraphs:
        text(paragraph)
        pdf.ln(1)
    for n, item in enumerate(block.items, start=1):
        pdf.set_font(FAMILY, "", 10)
        pdf.cell(7, LINE, f"{n}.")
        pdf.multi_cell(width - 7, LINE, _text(item), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.5)


def _facts(pdf: FPDF, facts) -> None:
    pdf.set_font(FAMILY, "", 10)
    with pdf.table(
        col_widths=(38, 62),
        borders_layout=TableBordersLayout.NONE,
        first_row_as_headings=False,
        line_height=LINE,
        padding=(0.6, 1, 0.6, 0),
        text_align="LEFT",
    ) as table:
        for label, value in facts:
            row = table.row()
            row.cell(_text(label))
            row.cell(_text(f": {value}"))


def _signatures(pdf: FPDF, doc) -> None:
    if pdf.get_y() + SIGNATURE_HEIGHT + 8 > pdf.page_break_trigger:
        pdf.add_page()
    pdf.set_font(FAMILY, "", 10)
    if doc.place_date:
        pdf.cell(pdf.epw, LINE, _text(doc.place_date), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    count = max(len(doc.signatures), 1)
    column = pdf.epw / count if count > 1 else pdf.epw / 2
    top = pdf.get_y()
    for i, sig in enumerate(doc.signatures):
        x = pdf.l_margin + (i * column if count > 1 else pdf.epw - column)
        pdf.set_xy(x, top)
        pdf.set_font(FAMILY, "B", 10)
        pdf.multi_cell(column - 4, LINE, _text(sig.role), align="C")
        pdf.set_x(x)
        pdf.set_font(FAMILY, "", 9.5)
        pdf.multi_cell(column - 4, LINE, _text(sig.organisation), align="C")
        box_top = pdf.get_y() + 2
        if sig.meterai:
            pdf.set_dash_pattern(dash=1.2, gap=1)
            pdf.rect(x + 4, box_top, 30, 20)
            pdf.set_dash_pattern()
            pdf.set_xy(x + 4, box_top + 7)
            pdf.set_font(FAMILY, "", 7.5)
            pdf.multi_cell(30, 3.2, "Meterai\n10.000", align="C")
        pdf.set_xy(x, box_top + 26)
        pdf.set_font(FAMILY, "BU", 10)
        pdf.multi_cell(column - 4, LINE, _text(sig.name or " "), align="C")
        pdf.set_x(x)
        pdf.set_font(FAMILY, "", 9.5)
        pdf.multi_cell(column - 4, LINE, _text(sig.position), align="C")
    pdf.set_xy(pdf.l_margin, top + SIGNATURE_HEIGHT)
