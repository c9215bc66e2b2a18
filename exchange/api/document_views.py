"""The deal's documents as PDF: the contract, each handover record (BAST), each payment's
receipt (kuitansi). The same documents and rendering as the pages' PDF links
(deals/document_views.py); the parties and staff see them, anyone else gets 404."""

from __future__ import annotations

from flask import make_response
from flask_babel import gettext as _

from exchange.api.guard import acting_user, needs
from exchange.api.scopes import Scope
from exchange.api.spec import pdf_responses, spec
from exchange.api.views import bp
from exchange.deals import contract_document, documents, visibility
from exchange.deals.models import Deal, Delivery, Payment
from exchange.deals.pdf import render_document_pdf
from exchange.errors import IllegalTransition, NotFound
from exchange.extensions import db

DOCS = ("documents",)


def _signed_deal(deal_id: int) -> Deal:
    """A deal the token may see (not a party nor staff: 404) whose contract exists: before
    both sides sign, the deal is there but its documents are not (409, wrong state)."""
    deal = visibility.visible_deal(acting_user(), deal_id)
    if deal.contract is None:
        raise IllegalTransition(_("Dokumen akad ada setelah kedua pihak menyetujui syarat."))
    return deal


def _row_of(deal: Deal, model, row_id: int):
    row = db.session.get(model, row_id)
    if row is None or row.deal_id != deal.id:
        raise NotFound()
    return row


def _pdf(doc: documents.Document):
    response = make_response(render_document_pdf(doc))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{doc.filename}.pdf"'
    response.headers["Cache-Control"] = "no-store"  # they name people and amounts
    return response


@bp.get("/deals/<int:deal_id>/contract.pdf")
@spec.validate(resp=pdf_responses(), tags=DOCS)
@needs(Scope.READ)
def contract_pdf(deal_id: int):
    """The signed contract (not yet signed: 409)."""
    return _pdf(contract_document.contract_document(_signed_deal(deal_id)))


@bp.get("/deals/<int:deal_id>/deliveries/<int:delivery_id>/bast.pdf")
@spec.validate(resp=pdf_responses(), tags=DOCS)
@needs(Scope.READ)
def bast_pdf(deal_id: int, delivery_id: int):
    """The handover record (BAST) of a delivery."""
    deal = _signed_deal(deal_id)
    return _pdf(documents.bast_document(deal, _row_of(deal, Delivery, delivery_id)))


@bp.get("/deals/<int:deal_id>/payments/<int:payment_id>/receipt.pdf")
@spec.validate(resp=pdf_responses(), tags=DOCS)
@needs(Scope.READ)
def receipt_pdf(deal_id: int, payment_id: int):
    """The receipt (kuitansi) of a payment."""
    deal = _signed_deal(deal_id)
    return _pdf(documents.receipt_document(deal, _row_of(deal, Payment, payment_id)))
