"""Negotiation use cases: open (also from a proposal), counter, reject, withdraw, expire.

Acceptance is in ``acceptance.py``, the moves after signing in ``fulfilment.py``. Every change of
state goes through ``moves.apply_move``; each public function commits once and raises a
DomainError when it refuses.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from exchange.audit.services import record
from exchange.auth.permissions import require_trader
from exchange.clock import today_wib
from exchange.db import utcnow
from exchange.deals import akad as rules
from exchange.deals.acceptance import lapse_salam_receipts  # noqa: F401 (for the scheduler)
from exchange.deals.checks import (
    TermsRefused,
    _prefilled,
    bundled_reasons,
    check_terms,
    default_terms,
    seller_disclosure,
)
from exchange.deals.models import Deal, DealEvent
from exchange.deals.moves import apply_move, load_deal, other_pesantren, require_current
from exchange.deals.moves import new_version as _new_version
from exchange.deals.notify import (
    notify,
    notify_managers,  # noqa: F401 - other domains' notices (freight)
)
from exchange.deals.states import Action, Side, State
from exchange.deals.visibility import side_of
from exchange.errors import Conflict, IllegalTransition, Invalid, NotFound
from exchange.extensions import db
from exchange.listings.models import Listing, ListingStatus
from exchange.listings.models import Side as ListingSide
from exchange.listings.policy import is_open, negotiation_refusal
from exchange.matching import services as matching_services
from exchange.matching.models import Proposal, ProposalStatus

# Shared helpers ----------------------------------------------------------------------------------


# Opening ---------------------------------------------------------------------------------------


def negotiable_listing(listing_id: int | None) -> Listing:
    """A listing a negotiation may open on: one that is open (``listings.policy.is_open``: a
    suspended pesantren's listing is not). Hidden by staff: not found; otherwise closed: refused."""
    listing = db.session.get(Listing, listing_id) if listing_id else None
    if listing is None or listing.status == ListingStatus.HIDDEN:
        raise NotFound()
    if not is_open(listing, today_wib()):
        raise Invalid(_l("Listing ini sudah tidak aktif."))
    if refusal := negotiation_refusal(listing.id):
        raise Invalid(refusal)
    return listing


def open_proposal(actor, proposal_id: int | None) -> Proposal:
    """The open proposal the actor's pesantren is a party to; anything else answers 404."""
    proposal = db.session.get(Proposal, proposal_id) if proposal_id else None
    if (
        proposal is None
        or not getattr(actor, "is_authenticated", False)
        or actor.pesantren_id is None
        or actor.pesantren_id not in (proposal.seller_pesantren_id, proposal.buyer_pesantren_id)
    ):
        raise NotFound()
    if proposal.status != ProposalStatus.PROPOSED.value:
        raise NotFound(_l("Usulan ini sudah ditindaklanjuti atau tidak berlaku lagi."))
    return proposal


def proposal_listings(actor, proposal: Proposal) -> tuple[int, int]:
    """(the other side's listing, the actor's own listing) of a proposal."""
    if actor.pesantren_id == proposal.seller_pesantren_id:
        return proposal.request_id, proposal.offer_id
    return proposal.offer_id, proposal.request_id


def proposal_terms(actor, proposal: Proposal, akad: str | None = None) -> rules.Terms:
    """The form's starting terms for a proposal: its akad (or the one the opener chose instead),
    quantity and price at the seller's gate (the buyer bears the transport, so the buyer
    collects), complete for the akad."""
    listing_id, counter_id = proposal_listings(actor, proposal)
    listing, counter = db.session.get(Listing, listing_id), db.session.get(Listing, counter_id)
    offer, request = (listing, counter) if listing.side == ListingSide.OFFER else (counter, listing)
    return _prefilled(
        offer,
        request,
        quantity=proposal.quantity,
        unit_price=proposal.price,
        akad=akad or proposal.akad,
        transport="buyer",
    )


def _require_proposal_listings(actor, proposal_id: int, listing: Listing, counter) -> None:
    """A party may open a negotiation from a proposal only on the proposal's own two listings.
    Whether it is still open is decided atomically by ``mark_acted``."""
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or actor.pesantren_id not in (
        proposal.seller_pesantren_id,
        proposal.buyer_pesantren_id,
    ):
        raise NotFound()
    if (listing.id, counter.id if counter else None) != proposal_listings(actor, proposal):
        raise Invalid(_l("Negosiasi dari usulan harus memakai kedua listing usulan itu."))


def _deal_by_token(token: str, actor) -> Deal | None:
    """The deal an earlier try of the same form opened. Raises Invalid for a foreign or
    overlong token (a tampered form)."""
    stale = Invalid(_l("Formulir ini tidak berlaku lagi; muat ulang halaman."))
    if len(token) > 64:
        raise stale
    deal = db.session.scalar(select(Deal).where(Deal.client_token == token))
    if deal is not None and deal.opened_by_id != actor.id:
        raise stale
    return deal


def open_negotiation(
    actor,
    listing_id: int,
    counter_listing_id: int | None = None,
    terms: rules.Terms | None = None,
    message: str = "",
    proposal_id: int | None = None,
    client_token: str | None = None,
    akad: str | None = None,
) -> Deal:
    """Open a negotiation on another pesantren's active listing; it is then their turn.

    Without ``terms``, the terms the page's form starts from: a proposal's own (``proposal_terms``)
    or the listing's defaults, for ``akad`` when the opener chose one.

    The same ``client_token`` sent twice (a retry after a lost response) gives back the first
    deal, also when both requests run at once (the column is UNIQUE).

    ``counter_listing_id`` is the actor's own listing of the other side (from a proposal or a
    suggestion); ``proposal_id`` records the clearing run's proposal. Raises NotFound, Forbidden,
    Invalid (TermsRefused with every reason).
    """
    require_trader(actor)
    client_token = (client_token or "").strip() or None
    if client_token and (existing := _deal_by_token(client_token, actor)):
        return existing
    listing = negotiable_listing(listing_id)
    if listing.pesantren_id == actor.pesantren_id:
        raise Invalid(_l("Anda tidak dapat bernegosiasi dengan listing sendiri."))
    counter = negotiable_listing(counter_listing_id) if counter_listing_id else None
    if counter is not None and (
        counter.pesantren_id != actor.pesantren_id
        or counter.side == listing.side
        or counter.commodity_id != listing.commodity_id
    ):
        raise Invalid(_l("Listing pasangan harus listing Anda sendiri untuk komoditas yang sama."))
    if proposal_id is not None:
        _require_proposal_listings(actor, proposal_id, listing, counter)
    if terms is None and proposal_id is not None:
        terms = proposal_terms(actor, db.session.get(Proposal, proposal_id), akad=akad)
    terms = terms or default_terms(listing, counter, akad=akad)
    seller_of = listing.pesantren_id if listing.side == ListingSide.OFFER else actor.pesantren_id
    reasons = check_terms(terms, (listing, counter), today_wib(), seller_of)
    opener = Side.BUYER if listing.side == ListingSide.OFFER else Side.SELLER
    reasons += rules.check_disclosure_author(terms, opener.value, None)
    if reasons:
        raise TermsRefused(reasons)
    if listing.side == ListingSide.OFFER:
        seller_id, buyer_id, my_side = listing.pesantren_id, actor.pesantren_id, Side.BUYER
        offer, request = listing, counter
    else:
        seller_id, buyer_id, my_side = actor.pesantren_id, listing.pesantren_id, Side.SELLER
        offer, request = counter, listing
    now = utcnow()
    deal = Deal(
        seller_pesantren_id=seller_id,
        buyer_pesantren_id=buyer_id,
        offer_id=offer.id if offer else None,
        request_id=request.id if request else None,
        commodity_id=listing.commodity_id,
        proposal_id=proposal_id,
        state=State.NEGOTIATING.value,
        whose_turn=my_side.other.value,
        terms_version=1,
        opened_by_id=actor.id,
        client_token=client_token,
        last_move_at=now,
        created_at=now,
    )
    db.session.add(deal)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        if client_token and (existing := _deal_by_token(client_token, actor)):
            return existing
        raise
    if proposal_id is not None and not matching_services.mark_acted(proposal_id, deal.id):
        db.session.rollback()
        raise Conflict(
            _l("Usulan ini sudah ditindaklanjuti atau tidak berlaku lagi; tidak ada yang disimpan.")
        )
    _new_version(deal, 1, terms, my_side, actor, message)
    db.session.add(
        DealEvent(
            deal_id=deal.id,
            action="open",
            actor_id=actor.id,
            actor_side=my_side.value,
            from_state=State.NEGOTIATING.value,
            to_state=State.NEGOTIATING.value,
            terms_version=1,
            note=(message or "")[:1000],
            created_at=now,
        )
    )
    record(
        "deal.opened",
        deal,
        actor=actor,
        pesantren_id=actor.pesantren_id,
        listing_id=listing.id,
        proposal_id=proposal_id,
    )
    notify(deal, other_pesantren(deal, my_side), "open")
    db.session.commit()
    return deal


# Moves during negotiation -----------------------------------------------------------------------


def counter_offer(actor, deal_id: int, seen_version: int, terms: rules.Terms, message: str = ""):
    """Answer with new terms; the turn passes to the other side. Raises as ``apply_move``."""
    deal = load_deal(deal_id)
    side = side_of(actor, deal)
    require_current(deal, seen_version)
    reasons = check_terms(terms, (deal.offer, deal.request), today_wib(), deal.seller_pesantren_id)
    reasons += bundled_reasons(deal, terms)
    reasons += rules.check_disclosure_author(terms, side.value, seller_disclosure(deal))
    if reasons:
        raise TermsRefused(reasons)
    number = deal.terms_version + 1
    apply_move(
        deal,
        Action.COUNTER,
        side,
        actor,
        message,
        whose_turn=side.other.value,
        terms_version=number,
    )
    _new_version(deal, number, terms, side, actor, message)
    notify(deal, other_pesantren(deal, side), "counter")
    db.session.commit()
    return deal


def reject(actor, deal_id: int, note: str = "") -> Deal:
    deal = load_deal(deal_id)
    side = side_of(actor, deal)
    require_current(deal, deal.terms_version)
    apply_move(deal, Action.REJECT, side, actor, note, whose_turn=None, closed_at=utcnow())
    notify(deal, other_pesantren(deal, side), "reject")
    db.session.commit()
    return deal


def withdraw(actor, deal_id: int, note: str = "") -> Deal:
    deal = load_deal(deal_id)
    side = side_of(actor, deal)
    apply_move(deal, Action.WITHDRAW, side, actor, note, whose_turn=None, closed_at=utcnow())
    notify(deal, other_pesantren(deal, side), "withdraw")
    db.session.commit()
    return deal


# Acceptance -------------------------------------------------------------------------------------


# Expiry -----------------------------------------------------------------------------------------


def expire_stale_moves(now: datetime | None = None) -> int:
    """Expire negotiations whose last move waited more than NEGOTIATION_EXPIRY_DAYS. Returns
    how many expired. Commits once."""
    now = now or utcnow()
    days = int(current_app.config["NEGOTIATION_EXPIRY_DAYS"])
    cutoff = now - timedelta(days=days)
    stale = db.session.scalars(
        select(Deal)
        .where(Deal.state == State.NEGOTIATING.value, Deal.last_move_at < cutoff)
        .order_by(Deal.id)
    ).all()
    count = 0
    for deal in stale:
        try:
            with db.session.begin_nested():
                apply_move(deal, Action.EXPIRE, None, None, now=now, whose_turn=None, closed_at=now)
        except (Conflict, IllegalTransition):
            continue
        notify(deal, deal.seller_pesantren_id, "expire")
        notify(deal, deal.buyer_pesantren_id, "expire")
        count += 1
    db.session.commit()
    return count


# Pools (patungan): one deal per member, one shipment to the hub (deals/shares.py) --------------
from exchange.deals.shares import Share, open_shares, ship_shares  # noqa: E402, F401
