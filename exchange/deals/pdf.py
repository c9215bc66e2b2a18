"""A document (contract, BAST, kuitansi) as an A4 PDF: fpdf2 with embedded Unicode fonts.

Names are typed by people: Arabic pesantren names, Latin with combining marks, a symbol or an
emoji. Every character prints as typed: Noto Sans for Latin (and Greek, Cyrillic), Noto Naskh
Arabic as the first fallback (shaped and set right to left by fpdf2's text shaping, which uses
uharfbuzz), a symbol and emoji font as the last (``fonts/README.md`` names the files and their
licences). fpdf2 embeds only the glyphs a document uses.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import unicodedata
from collections import defaultdict
from pathlib import Path

from fontTools import ttLib
from fpdf import FPDF
from fpdf.enums import TableBordersLayout
from fpdf.fonts import TTFFont

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


class _SharedWidths(defaultdict):
    """A font's character widths, the same for every document. fpdf2 copies a document's whole
    state for a trial rendering (``offset_rendering``), fonts included; these ~60,000 entries
    are shared instead of copied. The one write fpdf2 makes, a missing character stored with the
    font's default width on first reading, stores the same value for every document."""

    def __deepcopy__(self, memo):
        return self


class _SharedGlyphs(dict):
    """A font's character -> glyph id table: written when the font is read, then only read."""

    def __deepcopy__(self, memo):
        return self


@functools.cache
def _parsed_fonts() -> tuple[tuple[str, TTFFont], ...]:
    """Each font file read once a process (fontTools takes ~50 ms a file; a document uses five),
    as ``(fontkey, font)`` in the order a document adds them."""
    pdf = FPDF()
    for (family, style), name in FONT_FILES.items():
        pdf.add_font(family, style, str(FONTS / name))
    fonts = []
    for fontkey, font in pdf.fonts.items():
        font.cw = _SharedWidths(font.cw.default_factory, font.cw)
        font.glyph_ids = _SharedGlyphs(font.glyph_ids)
        font.ttfont.close()  # each document opens its own (below)
        fonts.append((fontkey, font))
    return tuple(fonts)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def needs_shaping(doc) -> bool:
    """Whether a document holds text that HarfBuzz must shape: a right-to-left script (an
    Arabic name), a combining mark, a joiner or a variation selector (emoji sequences). Plain
    Latin text (most documents) is set without shaping, which is several times faster in
    fpdf2's line breaking, which shapes each line again for every character it adds."""
    for text in _strings(dataclasses.asdict(doc)):
        for char in text:
            if char.isascii():
                continue
            if (
                unicodedata.bidirectional(char) in ("R", "AL", "AN")
                or unicodedata.category(char) in ("Mn", "Mc", "Me", "Cf")
                or "\ufe00" <= char <= "\ufe0f"
            ):
                return True
    return False


def _use_unicode_fonts(pdf: FPDF, shaping: bool = True) -> None:
    # As pdf.add_font does, from the fonts read once. Each document gets its own copy, so the
    # glyphs it embeds are its own, and its own fontTools font, opened lazily (a table is read
    # when used): fpdf2 cuts that font down to the document's glyphs when it writes the file.
    for fontkey, parsed in _parsed_fonts():
        font = copy.deepcopy(parsed)
        font.ttfont = ttLib.TTFont(
            font.ttffile,
            recalcTimestamp=False,
            fontNumber=font.collection_font_number,
            lazy=True,
        )
        font.i = len(pdf.fonts) + 1
        pdf.fonts[fontkey] = font
    # exact_match=False: bold text falls back to the regular symbol font (it has no bold)
    pdf.set_fallback_fonts(list(FALLBACKS), exact_match=False)
    # The documents read left to right (Indonesian, English); an Arabic name inside a line is
    # a right-to-left run of it (the Unicode bidi algorithm), shaped by HarfBuzz.
    if shaping:
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
    _use_unicode_fonts(pdf, shaping=needs_shaping(doc))
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
