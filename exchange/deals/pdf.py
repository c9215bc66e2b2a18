"""A document (contract, BAST, kuitansi) as an A4 PDF: fpdf2, pure Python, built-in Helvetica
(no font files needed; Indonesian and English fit in Latin-1)."""

from __future__ import annotations

from fpdf import FPDF
from fpdf.enums import TableBordersLayout

LINE = 5.2
SIGNATURE_HEIGHT = 58  # mm a signature row needs: role, organisation, meterai box, name


def _latin1(text) -> str:
    text = (
        str(text)
        .replace("\u00a0", " ")
        .replace("\u2014", "-")
        .replace("\u2013", "-")
        .replace("\u2019", "'")
        .replace("\u00b7", "-")
    )
    return text.encode("latin-1", "replace").decode("latin-1")


class _DocumentPDF(FPDF):
    """Every page carries the document's number and its page of the total, so a loose page of
    a signed contract can be told apart."""

    footer_text = ""

    def footer(self):
        self.set_y(-12)
        self.set_font("Helvetica", "", 8)
        self.cell(0, 5, f"{self.footer_text}   {self.page_no()}/{{nb}}", align="C")


def render_document_pdf(doc) -> bytes:
    """``doc``: a ``documents.Document`` in the reader's language."""
    pdf = _DocumentPDF(format="A4")
    pdf.footer_text = _latin1(doc.number)
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_title(_latin1(f"{doc.title} {doc.number}"))
    pdf.add_page()
    width = pdf.epw

    def text(value, size=10, style="", align="J", h=LINE):
        pdf.set_font("Helvetica", style, size)
        pdf.multi_cell(width, h, _latin1(value), align=align, new_x="LMARGIN", new_y="NEXT")

    text(doc.title, 14, "B", "C", 7)
    text(doc.subtitle, 11, "B", "C", 6)
    text(doc.number, 10, "", "C")
    pdf.ln(4)
    for block in doc.blocks:
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
            pdf.set_font("Helvetica", "", 10)
            pdf.cell(7, LINE, f"{n}.")
            pdf.multi_cell(width - 7, LINE, _latin1(item), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)
    _signatures(pdf, doc)
    return bytes(pdf.output())


def _facts(pdf: FPDF, facts) -> None:
    pdf.set_font("Helvetica", "", 10)
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
            row.cell(_latin1(label))
            row.cell(_latin1(f": {value}"))


def _signatures(pdf: FPDF, doc) -> None:
    if pdf.get_y() + SIGNATURE_HEIGHT + 8 > pdf.page_break_trigger:
        pdf.add_page()
    pdf.set_font("Helvetica", "", 10)
    if doc.place_date:
        pdf.cell(pdf.epw, LINE, _latin1(doc.place_date), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    count = max(len(doc.signatures), 1)
    column = pdf.epw / count if count > 1 else pdf.epw / 2
    top = pdf.get_y()
    for i, sig in enumerate(doc.signatures):
        x = pdf.l_margin + (i * column if count > 1 else pdf.epw - column)
        pdf.set_xy(x, top)
        pdf.set_font("Helvetica", "B", 10)
        pdf.multi_cell(column - 4, LINE, _latin1(sig.role), align="C")
        pdf.set_x(x)
        pdf.set_font("Helvetica", "", 9.5)
        pdf.multi_cell(column - 4, LINE, _latin1(sig.organisation), align="C")
        box_top = pdf.get_y() + 2
        if sig.meterai:
            pdf.set_dash_pattern(dash=1.2, gap=1)
            pdf.rect(x + 4, box_top, 30, 20)
            pdf.set_dash_pattern()
            pdf.set_xy(x + 4, box_top + 7)
            pdf.set_font("Helvetica", "", 7.5)
            pdf.multi_cell(30, 3.2, "Meterai\n10.000", align="C")
        pdf.set_xy(x, box_top + 26)
        pdf.set_font("Helvetica", "BU", 10)
        pdf.multi_cell(column - 4, LINE, _latin1(sig.name or " "), align="C")
        pdf.set_x(x)
        pdf.set_font("Helvetica", "", 9.5)
        pdf.multi_cell(column - 4, LINE, _latin1(sig.position), align="C")
    pdf.set_xy(pdf.l_margin, top + SIGNATURE_HEIGHT)
