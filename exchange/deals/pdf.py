"""The contract as a PDF (fpdf2, pure Python, built-in Helvetica: no font files needed)."""

from __future__ import annotations

from fpdf import FPDF

from exchange.deals.terbilang import rupiah_in_words


def _latin1(text) -> str:
    text = str(text).replace("\u00a0", " ").replace("\u2014", "-").replace("\u2019", "'")
    return text.encode("latin-1", "replace").decode("latin-1")


def render_contract_pdf(contract, labels: dict, clauses: list[str], money) -> bytes:
    """``labels``: translated headings; ``clauses``: translated clauses; ``money``: a formatter."""
    snap = contract.snapshot
    pdf = FPDF(format="A4")
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    pdf.set_title(_latin1(f"{labels['title']} {contract.number}"))
    width = pdf.epw

    def line(text, size=10, style="", h=5.5):
        pdf.set_font("Helvetica", style, size)
        pdf.multi_cell(width, h, _latin1(text), new_x="LMARGIN", new_y="NEXT")

    line(labels["title"], 15, "B", 8)
    line(f"{labels['number']}: {contract.number}", 11, "B")
    line(f"{labels['akad']}: {labels['akad_name']}", 11)
    pdf.ln(3)
    for key in ("seller", "buyer"):
        party = snap[key]
        line(labels[key], 11, "B")
        line(f"{party['name']} (NSPP {party['nspp']})")
        line(f"{labels['kopontren']}: {party['kopontren']}")
        line(f"{labels['signer']}: {party['signer']}")
        pdf.ln(2)
    line(labels["goods_heading"], 11, "B")
    for label, value in labels["facts"]:
        line(f"{label}: {value}")
    line(f"{labels['total']}: {money(snap['total'])} ({rupiah_in_words(snap['total'])})", 10, "B")
    pdf.ln(3)
    line(labels["clauses_heading"], 11, "B")
    for number, clause in enumerate(clauses, start=1):
        line(f"{number}. {clause}")
    pdf.ln(12)
    line(
        f"{labels['seller']}: {snap['seller']['signer']}        "
        f"{labels['buyer']}: {snap['buyer']['signer']}"
    )
    return bytes(pdf.output())
