"""The contract (akad): its number, the snapshot of parties and terms, and the PDF."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import select

from exchange.auth.models import User
from exchange.clock import to_wib
from exchange.deals import clauses, tax
from exchange.deals.models import Contract, Deal, TermsVersion
from exchange.extensions import db


def document_number(prefix: str, number: int, when: datetime) -> str:
    """``BP/2027/01/000123``: a prefix, the year and month (WIB), then a unique row number.

    Contracts use ``BP`` and the deal's id, handover records ``BAST`` and the delivery's id,
    receipts ``KW`` and the payment's id: stable (nothing renumbers) and unique per prefix."""
    wib = to_wib(when)
    return f"{prefix}/{wib.year:04d}/{wib.month:02d}/{number:06d}"


def contract_number(deal_id: int, signed_at: datetime) -> str:
    """``BP/2027/01/000123``: the year and month of signing (WIB), then the deal's number."""
    return document_number("BP", deal_id, signed_at)


def _party(pesantren, signer: User | None) -> dict:
    """One party as the contract names it. The kopontren's own signatory (profile) signs when
    one is named; otherwise the manager who agreed for it."""
    return {
        "id": pesantren.id,
        "name": pesantren.name,
        "nspp": pesantren.nspp,
        "kopontren": pesantren.kopontren_name,
        "kopontren_legal_number": pesantren.kopontren_legal_number,
        "address": pesantren.address,
        "regency": pesantren.regency.name if pesantren.regency else "",
        "signer": pesantren.signatory_name or (signer.name if signer else ""),
        "signer_position": pesantren.signatory_position or "",
        "npwp": pesantren.npwp or "",
        "is_pkp": bool(pesantren.is_pkp),
    }


def _ppn_rate() -> int:
    return int(current_app.config.get("PPN_RATE_PERCENT", tax.DEFAULT_RATE_PERCENT))


def build_contract(deal: Deal, terms: TermsVersion, accepter: User, signed_at) -> Contract:
    """The contract row for an accepted terms version (flush only; unique per deal)."""
    proposer = db.session.get(User, terms.author_id) if terms.author_id else None
    signers = {terms.author_side: proposer}
    accepter_side = "buyer" if terms.author_side == "seller" else "seller"
    signers[accepter_side] = accepter
    commodity = deal.commodity
    grade_label = (
        commodity.grade_label(terms.grade)
        if terms.grade and 0 < terms.grade <= len(commodity.grades)
        else ""
    )
    snapshot = {
        "seller": _party(deal.seller, signers.get("seller")),
        "buyer": _party(deal.buyer, signers.get("buyer")),
        "goods": {
            "commodity_id": commodity.id,
            "name_id": commodity.name_id,
            "name_en": commodity.name_en,
            "unit": commodity.unit,
            "grade": grade_label,
        },
        "quantity": terms.quantity,
        "unit_price": terms.unit_price,
        "total": terms.total,
        "akad": terms.akad,
        "handover_date": terms.handover_date.isoformat(),
        "handover_place": terms.handover_place,
        "transport": terms.transport,
        "payment_due_date": terms.payment_due_date.isoformat() if terms.payment_due_date else None,
        "payment_schedule": terms.payment_schedule or [],
        "cost_price": terms.cost_price,
        "margin": terms.margin,
        "clauses": list(clauses.clauses(terms.akad)),
        "signed_at": signed_at.isoformat(),
        # Where the contract was concluded: the regency of the party whose acceptance made it.
        "accepted_by": accepter_side,
        "signed_place": deal.pesantren_of(accepter_side).regency.name,
        "halal_cert": (deal.offer.halal_cert or None) if deal.offer else None,
        # PPN: only when the seller is a PKP and the goods are not exempt (deals/tax.py)
        "ppn": tax.ppn(terms.total, commodity.slug, bool(deal.seller.is_pkp), _ppn_rate()),
    }
    contract = Contract(
        deal_id=deal.id,
        number=contract_number(deal.id, signed_at),
        terms_version=terms.number,
        total=terms.total,
        snapshot=snapshot,
        created_at=signed_at,
    )
    db.session.add(contract)
    db.session.flush()
    return contract


def contract_for(deal_id: int) -> Contract | None:
    return db.session.scalar(select(Contract).where(Contract.deal_id == deal_id))
