"""The deal's documents, printable and as PDF: the contract, each handover record (BAST) and the
receipt (kuitansi) of each payment. The parties and staff see them; anyone else gets 404.
Nothing is cached on the way (``Cache-Control: no-store``): they name people and amounts."""

from __future__ import annotations

from flask import make_response, render_template, url_for
from flask_login import current_user, login_required

from exchange.deals import contract_document, documents, visibility
from exchange.deals.models import Deal, Delivery, Payment
from exchange.deals.pdf import render_document_pdf
from exchange.deals.views import bp
from exchange.errors import NotFound
from exchange.extensions import db


def _signed_deal(deal_id: int) -> Deal:
    deal = visibility.visible_deal(current_user, deal_id)  # not a party nor staff: 404
    if deal.contract is None:
        raise NotFound()
    return deal


def _row_of(deal: Deal, model, row_id: int):
    row = db.session.get(model, row_id)
    if row is None or row.deal_id != deal.id:
        raise NotFound()
    return row


def _page(deal: Deal, doc: documents.Document, pdf_url: str):
    """The page shows the one document the PDF prints (nothing on screen only)."""
    response = make_response(
        render_template("deals/document.html", deal=deal, doc=doc, pdf_url=pdf_url)
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _pdf(doc: documents.Document):
    response = make_response(render_document_pdf(doc))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{doc.filename}.pdf"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<int:deal_id>/kontrak")
@login_required
def contract(deal_id: int):
    deal = _signed_deal(deal_id)
    pdf_url = url_for("deals.contract_pdf", deal_id=deal_id)
    doc = contract_document.contract_document(deal)
    return _page(deal, doc, pdf_url)


@bp.route("/<int:deal_id>/kontrak.pdf")
@login_required
def contract_pdf(deal_id: int):
    return _pdf(contract_document.contract_document(_signed_deal(deal_id)))


@bp.route("/<int:deal_id>/bast/<int:delivery_id>")
@login_required
def bast(deal_id: int, delivery_id: int):
    deal = _signed_deal(deal_id)
    doc = documents.bast_document(deal, _row_of(deal, Delivery, delivery_id))
    pdf_url = url_for("deals.bast_pdf", deal_id=deal_id, delivery_id=delivery_id)
    return _page(deal, doc, pdf_url)


@bp.route("/<int:deal_id>/bast/<int:delivery_id>.pdf")
@login_required
def bast_pdf(deal_id: int, delivery_id: int):
    deal = _signed_deal(deal_id)
    return _pdf(documents.bast_document(deal, _row_of(deal, Delivery, delivery_id)))


@bp.route("/<int:deal_id>/kuitansi/<int:payment_id>")
@login_required
def receipt(deal_id: int, payment_id: int):
    deal = _signed_deal(deal_id)
    doc = documents.receipt_document(deal, _row_of(deal, Payment, payment_id))
    pdf_url = url_for("deals.receipt_pdf", deal_id=deal_id, payment_id=payment_id)
    return _page(deal, doc, pdf_url)


@bp.route("/<int:deal_id>/kuitansi/<int:payment_id>.pdf")
@login_required
def receipt_pdf(deal_id: int, payment_id: int):
    deal = _signed_deal(deal_id)
    return _pdf(documents.receipt_document(deal, _row_of(deal, Payment, payment_id)))
