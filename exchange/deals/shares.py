"""Shares of a pooled request (patungan, ``exchange.pools``): one bilateral deal per member with
the seller who agreed to the pool, and the one shipment to the hub.

Each share is a deal of its own (its quantity, the pool's price and akad, delivered to the hub),
so every akad rule, payment, BAST and rating works per member. The seller's minimum per deal is
checked on the pool's total, here, once; each member then accepts (signs) its own deal.
Flush only: the pools service owns the transaction."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from flask_babel import lazy_gettext as _l

from exchange.audit.services import record
from exchange.auth.permissions import require_trader
from exchange.clock import today_wib
from exchange.db import utcnow
from exchange.deals import after_signing
from exchange.deals.akad import Reason
from exchange.deals.checks import TermsRefused, _prefilled, check_terms
from exchange.deals.models import Deal, DealEvent
from exchange.deals.moves import apply_move, load_deal, new_version
from exchange.deals.notify import notify
from exchange.deals.states import Action, Side, State
from exchange.deals.visibility import side_of
from exchange.errors import Invalid, NotFound
from exchange.extensions import db
from exchange.listings.models import Listing
from exchange.listings.models import Side as ListingSide
from exchange.listings.policy import is_open


@dataclass(frozen=True)
class Share:
    buyer_pesantren_id: int
    quantity: int


def open_shares(
    seller,
    offer_id: int,
    shares: list[Share],
    unit_price: int,
    akad: str,
    handover_date: date,
    handover_place: str,
    proposal_id: int | None = None,
    message: str = "",
) -> list[Deal]:
    """The seller agrees to a pool: one deal per share on its offer, the seller's terms waiting
    for that member's acceptance (the member signs, nobody for it). The offer's minimum applies
    to the total of the shares, and the total must remain on the offer. Flushes, never commits.
    Raises NotFound (not the seller's open offer), TermsRefused (every reason)."""
    require_trader(seller)
    offer = db.session.get(Listing, offer_id)
    if (
        offer is None
        or offer.side != ListingSide.OFFER
        or offer.pesantren_id != seller.pesantren_id
        or not is_open(offer, today_wib())
    ):
        raise NotFound()
    total = sum(s.quantity for s in shares)
    reasons = _total_reasons(offer, total)
    terms_of_share = []
    for share in shares:
        terms = _prefilled(
            offer,
            None,
            quantity=share.quantity,
            unit_price=unit_price,
            akad=akad,
            transport="seller",
        )
        terms = replace(terms, handover_date=handover_date, handover_place=handover_place)
        found = check_terms(terms, (offer,), today_wib(), offer.pesantren_id)
        reasons += [r for r in found if r.code not in ("quantity_minimum", "quantity_remaining")]
        terms_of_share.append(terms)
    if reasons:
        raise TermsRefused(_unique(reasons))
    now = utcnow()
    deals = []
    for share, terms in zip(shares, terms_of_share, strict=True):
        deal = Deal(
            seller_pesantren_id=offer.pesantren_id,
            buyer_pesantren_id=share.buyer_pesantren_id,
            offer_id=offer.id,
            commodity_id=offer.commodity_id,
            proposal_id=proposal_id,
            state=State.NEGOTIATING.value,
            whose_turn=Side.BUYER.value,
            terms_version=1,
            opened_by_id=seller.id,
            last_move_at=now,
            created_at=now,
        )
        db.session.add(deal)
        db.session.flush()
        new_version(deal, 1, terms, Side.SELLER, seller, message)
        db.session.add(
            DealEvent(
                deal_id=deal.id,
                action="open",
                actor_id=seller.id,
                actor_side=Side.SELLER.value,
                from_state=State.NEGOTIATING.value,
                to_state=State.NEGOTIATING.value,
                terms_version=1,
                note=(message or "")[:1000],
                created_at=now,
            )
        )
        record("deal.opened", deal, actor=seller, pesantren_id=seller.pesantren_id, pooled=True)
        notify(deal, share.buyer_pesantren_id, "open")
        deals.append(deal)
    db.session.flush()
    return deals


def _total_reasons(offer: Listing, total: int) -> list[Reason]:
    out = []
    if offer.min_quantity and total < offer.min_quantity:
        out.append(
            Reason(
                "quantity_minimum",
                "Jumlah kurang dari minimal pembelian per transaksi (%(least)s).",
                "quantity",
                {"least": str(offer.min_quantity)},
            )
        )
    if total > offer.remaining:
        out.append(
            Reason(
                "quantity_remaining",
                "Jumlah melebihi sisa listing (%(left)s).",
                "quantity",
                {"left": str(offer.remaining)},
            )
        )
    return out


def _unique(reasons: list[Reason]) -> list[Reason]:
    seen, out = set(), []
    for r in reasons:
        if (r.code, r.message) not in seen:
            seen.add((r.code, r.message))
            out.append(r)
    return out


def ship_shares(seller, deal_ids: list[int], note: str = "") -> list[Deal]:
    """One shipment to the hub: the seller ships every signed share it may ship now (a salam
    share waits for its price). Returns the deals shipped. Flushes, never commits. Raises
    NotFound (not the seller of each), Invalid (nothing could be shipped)."""
    shipped = []
    for deal_id in deal_ids:
        deal = load_deal(deal_id)
        if side_of(seller, deal) is not Side.SELLER:
            raise NotFound()
        terms = deal.current_terms
        if deal.state != State.SIGNED or after_signing.check_ship(
            terms.akad, deal.paid, terms.total
        ):
            continue
        apply_move(deal, Action.SHIP, Side.SELLER, seller, note)
        notify(deal, deal.buyer_pesantren_id, "ship")
        shipped.append(deal)
    if not shipped:
        raise Invalid(_l("Tidak ada bagian yang dapat dikirim sekarang."))
    return shipped
