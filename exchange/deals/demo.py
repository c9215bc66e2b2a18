"""Demo deals for `make run`: some of the first clearing run's proposals become negotiations,
contracts, and completed, rated deals, so that every page (deals, reputation, the staff
dashboard) has something to show. Deterministic; goes through the real services."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from exchange.akad import Akad
from exchange.auth.models import Role, User
from exchange.deals import acceptance, facts, fulfilment, moves, services
from exchange.deals.models import Deal
from exchange.errors import DomainError
from exchange.extensions import db
from exchange.matching.models import Proposal, ProposalStatus


def _manager(pesantren_id: int) -> User | None:
    return db.session.scalar(
        select(User).where(User.pesantren_id == pesantren_id, User.role == Role.MANAGER)
    )


def seed_demo_deals(limit: int = 24) -> dict:
    """Open negotiations from the open proposals; carry every second one to a contract and every
    third contract through payment, shipping, handover and ratings. Returns counts."""
    counts = {"negotiations": 0, "contracts": 0, "completed": 0}
    proposals = db.session.scalars(
        select(Proposal).where(Proposal.status == ProposalStatus.PROPOSED).order_by(Proposal.id)
    ).all()
    for proposal in proposals:
        if counts["negotiations"] >= limit:
            break
        buyer = _manager(proposal.buyer_pesantren_id)
        seller = _manager(proposal.seller_pesantren_id)
        if buyer is None or seller is None:
            continue
        try:
            # The proposal's own terms, as the page prefills them (its akad, price, quantity).
            listing_id, counter_id = services.proposal_listings(buyer, proposal)
            terms = services.proposal_terms(buyer, proposal)
            deal = services.open_negotiation(
                buyer, listing_id, counter_id, terms=terms, proposal_id=proposal.id
            )
            counts["negotiations"] += 1
            if counts["negotiations"] % 2:
                continue  # every second one stays open, waiting for the seller
            if terms.akad == Akad.MURABAHAH:
                deal = seller_states_cost(seller, deal.id)
            acceptance.accept(
                seller if deal.whose_turn == "seller" else buyer, deal.id, deal.terms_version
            )
            if terms.akad == Akad.SALAM:  # the seller confirms it received the price
                fulfilment.confirm_salam_receipt(seller, deal.id)
            counts["contracts"] += 1
            if counts["contracts"] % 2:
                continue
            _complete(deal.id, buyer, seller)
            counts["completed"] += 1
        except DomainError:
            db.session.rollback()
    return counts


def with_cost_stated(terms):
    """The terms with the demo seller's statement: cost 90% of the price, the rest margin."""
    cost = terms.unit_price * 9 // 10
    return replace(terms, cost_price=cost, margin=terms.unit_price - cost, seller_owns=True)


def seller_states_cost(seller: User, deal_id: int) -> Deal:
    """Murabahah: only the seller knows its acquisition cost; in the demo it states a cost of
    90% of the price, the rest as its margin, and that it owns the goods (a counter-offer)."""
    deal = moves.load_deal(deal_id)
    stated = with_cost_stated(facts.terms_of(deal.current_terms))
    return services.counter_offer(
        seller, deal_id, deal.terms_version, stated, "Harga pokok dan margin kami."
    )


def _complete(deal_id: int, buyer: User, seller: User) -> None:
    """Paid at the handover (recorded with the BAST, today: never in the future); a salam price
    was already paid in full when the contract was agreed."""
    deal = moves.load_deal(deal_id)
    terms = deal.current_terms
    today = facts.contract_date(deal)
    fulfilment.ship(seller, deal_id, "Dikirim dengan truk koperasi.")
    fulfilment.receive(
        buyer,
        deal_id,
        terms.quantity,
        terms.grade,
        today,
        "Lengkap dan baik.",
        paid_now=max(terms.total - deal.paid, 0),
    )
    fulfilment.complete(seller, deal_id)
    fulfilment.rate(buyer, deal_id, 5, "Barang sesuai, pengiriman tepat waktu.")
    fulfilment.rate(seller, deal_id, 4, "Pembayaran lancar.")
