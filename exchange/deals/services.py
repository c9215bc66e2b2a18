"""Negotiation use cases: open, counter, accept, reject, withdraw, expire.

Services are the only code that changes a deal's state. Each change goes through ``apply_move``:
the lifecycle table decides, a conditional ``UPDATE deals ... WHERE version = :seen`` makes it
(a concurrent move loses cleanly), and an append-only DealEvent is written in the same
transaction. Each public function commits once and raises a DomainError when it refuses.
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError

from exchange.audit.services import record
from exchange.auth.permissions import require_trader
from exchange.db import utcnow
from exchange.deals import akad as rules
from exchange.deals import dues
from exchange.deals.contracts import build_contract, contract_for
from exchange.deals.models import Contract, Deal, DealEvent, TermsVersion
from exchange.deals.notify import notify
from exchange.deals.states import HOLDS_QUANTITY, N_, Action, Context, Side, State, decide
from exchange.errors import Conflict, IllegalTransition, Invalid, NotFound
from exchange.extensions import db
from exchange.i18n import rupiah, to_wib
from exchange.listings import quantity as listing_quantity
from exchange.listings.models import Listing, ListingStatus
from exchange.listings.models import Side as ListingSide
from exchange.listings.services import today_wib
from exchange.matching import services as matching_services
from exchange.matching.models import Proposal, ProposalStatus


class TermsRefused(Invalid):
    """The terms break one or more akad rules; ``reasons`` lists them all for the form."""

    def __init__(self, reasons: list[rules.Reason]):
        self.reasons = reasons
        super().__init__(reason_text(reasons[0]), field=reasons[0].field)


def reason_text(reason: rules.Reason):
    params = {k: rupiah(v) if isinstance(v, int) else v for k, v in reason.params.items()}
    return _l(reason.message, **params)


# Shared helpers ----------------------------------------------------------------------------------


def load_deal(deal_id: int) -> Deal:
    deal = db.session.get(Deal, deal_id)
    if deal is None:
        raise NotFound()
    return deal


def side_of(user, deal: Deal) -> Side:
    """The side the user acts for; anyone else gets 404 (the deal's existence is not leaked)."""
    if not getattr(user, "is_authenticated", False) or not user.is_manager:
        raise NotFound()
    side = deal.side_of(user.pesantren_id)
    if side is None:
        raise NotFound()
    require_trader(user)
    return Side(side)


def context(deal: Deal, today: date | None = None) -> Context:
    """The lifecycle table's view of the deal; ``today`` (WIB, default now) dates what is due."""
    terms_akad = deal.current_terms.akad if deal.versions else ""
    signed = deal.versions and State(deal.state) in HOLDS_QUANTITY
    return Context(
        state=State(deal.state),
        whose_turn=Side(deal.whose_turn) if deal.whose_turn else None,
        cancel_requested_by=Side(deal.cancel_requested_by) if deal.cancel_requested_by else None,
        disputed_by=Side(deal.disputed_by) if deal.disputed_by else None,
        resume_state=State(deal.resume_state) if deal.resume_state else None,
        buyer_pays_first=rules.buyer_pays_first(terms_akad) and deal.paid < _amount_due(deal),
        payment_due=bool(signed and payment_due(deal, today).amount > 0),
    )


def payment_due(deal: Deal, today: date | None = None) -> dues.Due:
    """What the buyer owes on a signed deal now, by its akad (``deals/dues.py``)."""
    terms = terms_of(deal.current_terms)
    return dues.due_now(
        terms.akad,
        _amount_due(deal),
        deal.paid,
        today or today_wib(),
        handed_over=deal.delivery is not None,
        payment_due_date=terms.payment_due_date,
        schedule=terms.schedule,
        signed_on=to_wib(deal.signed_at).date() if deal.signed_at else None,
        handover_date=terms.handover_date,
    )


def _amount_due(deal: Deal) -> int:
    terms = deal.current_terms
    if deal.delivery is not None:
        return deal.delivery.quantity_received * terms.unit_price
    return terms.total


def apply_move(deal: Deal, action: Action, side: Side | None, actor, note: str = "", **values):
    """Check the move against the table, then change the deal if nobody changed it meanwhile.

    Flushes the event; never commits. Raises IllegalTransition or Conflict.
    """
    decision = decide(context(deal), action, side)
    if not decision.allowed:
        raise IllegalTransition(_l(decision.reason))
    from_state, seen = deal.state, deal.version
    now = values.pop("now", None) or utcnow()
    changes = {"state": decision.next_state.value, "version": seen + 1, "last_move_at": now}
    changes.update(values)
    result = db.session.execute(
        update(Deal)
        .where(Deal.id == deal.id, Deal.version == seen, Deal.state == from_state)
        .values(**changes)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Conflict()
    db.session.add(
        DealEvent(
            deal_id=deal.id,
            action=action.value,
            actor_id=getattr(actor, "id", None),
            actor_side=side.value if side else None,
            from_state=from_state,
            to_state=decision.next_state.value,
            terms_version=changes.get("terms_version", deal.terms_version),
            note=(note or "")[:1000],
            created_at=now,
        )
    )
    record(
        f"deal.{action.value}",
        deal,
        actor=actor,
        pesantren_id=getattr(actor, "pesantren_id", None),
        from_state=from_state,
        to_state=decision.next_state.value,
    )
    db.session.flush()
    db.session.expire(deal)
    return decision.next_state


def _other_pesantren(deal: Deal, side: Side) -> int:
    return deal.buyer_pesantren_id if side is Side.SELLER else deal.seller_pesantren_id


def _today() -> date:
    return to_wib(utcnow()).date()


# Opening ---------------------------------------------------------------------------------------


def _active_listing(listing_id: int | None) -> Listing:
    listing = db.session.get(Listing, listing_id) if listing_id else None
    if listing is None or listing.status == ListingStatus.HIDDEN:
        raise NotFound()
    if listing.status != ListingStatus.ACTIVE or listing.is_expired_on(_today()):
        raise Invalid(_l("Listing ini sudah tidak aktif."))
    return listing


def allowed_akad(deal_or_listings) -> list[str]:
    listings = [x for x in deal_or_listings if x is not None]
    goods = rules.Goods(is_food=listings[0].commodity.is_food, is_ribawi=False)
    return rules.offered_akad([x.akad or [] for x in listings], goods)


def check_terms(terms: rules.Terms, listings, today: date) -> list[rules.Reason]:
    listings = [x for x in listings if x is not None]
    goods = rules.Goods(is_food=listings[0].commodity.is_food)
    reasons = rules.check_terms(terms, goods, allowed_akad(listings), today)
    for listing in listings:
        if terms.quantity > listing.remaining:
            reasons.append(
                rules.Reason(
                    "quantity_remaining",
                    N_("Jumlah melebihi sisa listing (%(left)s)."),
                    "quantity",
                    {"left": str(listing.remaining)},
                )
            )
            break
    return reasons


def default_terms(listing: Listing, counter: Listing | None = None) -> rules.Terms:
    """Terms to start from: the listings' quantity, price, window and place (for forms)."""
    offer = listing if listing.side == ListingSide.OFFER else counter
    request = listing if listing.side == ListingSide.REQUEST else counter
    remaining = min(x.remaining for x in (listing, counter) if x is not None)
    goods = rules.Goods(is_food=listing.commodity.is_food)
    akad = rules.offered_akad([x.akad or [] for x in (listing, counter) if x], goods)
    return rules.Terms(
        quantity=remaining,
        unit_price=(offer or request).price,
        akad=akad[0] if akad else "tunai",
        handover_date=max(listing.window_start, _today() + timedelta(days=1)),
        handover_place=(offer.pesantren.name if offer else listing.pesantren.name),
        transport="seller",
        grade=(offer or listing).grade,
    )


def _new_version(deal: Deal, number: int, terms: rules.Terms, side: Side, actor, message: str):
    version = TermsVersion(
        deal_id=deal.id,
        number=number,
        quantity=terms.quantity,
        unit_price=terms.unit_price,
        grade=terms.grade,
        akad=terms.akad,
        handover_date=terms.handover_date,
        handover_place=terms.handover_place.strip()[:255],
        transport=terms.transport,
        payment_due_date=terms.payment_due_date,
        payment_schedule=[{"due": s.due.isoformat(), "amount": s.amount} for s in terms.schedule],
        cost_price=terms.cost_price,
        margin=terms.margin,
        message=(message or "").strip()[:1000],
        author_side=side.value,
        author_id=actor.id,
    )
    db.session.add(version)
    return version


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


def proposal_terms(actor, proposal: Proposal) -> rules.Terms:
    """The form's starting terms for a proposal: its quantity and price at the seller's gate
    (the buyer bears the transport, so the buyer collects)."""
    listing_id, counter_id = proposal_listings(actor, proposal)
    listing, counter = db.session.get(Listing, listing_id), db.session.get(Listing, counter_id)
    return replace(
        default_terms(listing, counter),
        quantity=min(proposal.quantity, listing.remaining, counter.remaining),
        unit_price=proposal.price,
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


def open_negotiation(
    actor,
    listing_id: int,
    counter_listing_id: int | None = None,
    terms: rules.Terms | None = None,
    message: str = "",
    proposal_id: int | None = None,
) -> Deal:
    """Open a negotiation on another pesantren's active listing; it is then their turn.

    ``counter_listing_id`` is the actor's own listing of the other side (from a proposal or a
    suggestion); ``proposal_id`` records the clearing run's proposal. Raises NotFound, Forbidden,
    Invalid (TermsRefused with every reason).
    """
    require_trader(actor)
    listing = _active_listing(listing_id)
    if listing.pesantren_id == actor.pesantren_id:
        raise Invalid(_l("Anda tidak dapat bernegosiasi dengan listing sendiri."))
    counter = _active_listing(counter_listing_id) if counter_listing_id else None
    if counter is not None and (
        counter.pesantren_id != actor.pesantren_id
        or counter.side == listing.side
        or counter.commodity_id != listing.commodity_id
    ):
        raise Invalid(_l("Listing pasangan harus listing Anda sendiri untuk komoditas yang sama."))
    if proposal_id is not None:
        _require_proposal_listings(actor, proposal_id, listing, counter)
    terms = terms or default_terms(listing, counter)
    reasons = check_terms(terms, (listing, counter), _today())
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
        last_move_at=now,
        created_at=now,
    )
    db.session.add(deal)
    db.session.flush()
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
    notify(deal, _other_pesantren(deal, my_side), "open")
    db.session.commit()
    return deal


# Moves during negotiation -----------------------------------------------------------------------


def counter_offer(actor, deal_id: int, seen_version: int, terms: rules.Terms, message: str = ""):
    """Answer with new terms; the turn passes to the other side. Raises as ``apply_move``."""
    deal = load_deal(deal_id)
    side = side_of(actor, deal)
    _require_current(deal, seen_version)
    reasons = check_terms(terms, (deal.offer, deal.request), _today())
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
    notify(deal, _other_pesantren(deal, side), "counter")
    db.session.commit()
    return deal


def _require_current(deal: Deal, seen_version: int) -> None:
    """The answer is to the version the user saw, and that version has not expired."""
    if deal.state == State.NEGOTIATING and is_stale(deal, utcnow()):
        raise IllegalTransition(_l("Negosiasi ini sudah kedaluwarsa karena tidak dijawab."))
    if deal.state == State.NEGOTIATING and seen_version != deal.terms_version:
        raise Conflict(_l("Syarat telah diubah oleh pihak lain; periksa versi terbaru."))


def is_stale(deal: Deal, now: datetime) -> bool:
    days = int(current_app.config["NEGOTIATION_EXPIRY_DAYS"])
    return deal.last_move_at < now - timedelta(days=days)


def reject(actor, deal_id: int, note: str = "") -> Deal:
    deal = load_deal(deal_id)
    side = side_of(actor, deal)
    _require_current(deal, deal.terms_version)
    apply_move(deal, Action.REJECT, side, actor, note, whose_turn=None, closed_at=utcnow())
    notify(deal, _other_pesantren(deal, side), "reject")
    db.session.commit()
    return deal


def withdraw(actor, deal_id: int, note: str = "") -> Deal:
    deal = load_deal(deal_id)
    side = side_of(actor, deal)
    apply_move(deal, Action.WITHDRAW, side, actor, note, whose_turn=None, closed_at=utcnow())
    notify(deal, _other_pesantren(deal, side), "withdraw")
    db.session.commit()
    return deal


# Acceptance -------------------------------------------------------------------------------------

ACCEPT_ATTEMPTS = 6


def accept(actor, deal_id: int, seen_version: int) -> Contract:
    """Accept the terms version ``seen_version``: commit the quantity, make the contract.

    Accepting the same version again (a double click, a retry) returns the one contract.
    Raises IllegalTransition, Conflict (the terms changed, the deal moved, or the database stayed
    busy), Invalid (not enough quantity remains, or an akad rule is broken).
    """
    for attempt in range(ACCEPT_ATTEMPTS):
        try:
            return _accept_once(actor, deal_id, seen_version)
        except OperationalError as exc:
            db.session.rollback()
            if "locked" not in str(exc).lower() and "deadlock" not in str(exc).lower():
                raise
            time.sleep(0.05 * (attempt + 1))
    raise Conflict(_l("Sistem sedang sibuk; coba terima sekali lagi."))


def _already_accepted(deal: Deal, seen_version: int) -> Contract | None:
    if deal.accepted_version == seen_version:
        return contract_for(deal.id)
    return None


def _accept_once(actor, deal_id: int, seen_version: int) -> Contract:
    deal = load_deal(deal_id)
    side = side_of(actor, deal)
    if (done := _already_accepted(deal, seen_version)) is not None:
        return done
    _require_current(deal, seen_version)
    terms = deal.current_terms
    reasons = rules.check_terms(
        terms_of(terms),
        rules.Goods(is_food=deal.commodity.is_food),
        allowed_akad((deal.offer, deal.request)),
        _today(),
    )
    if reasons:
        raise TermsRefused(reasons)
    now = utcnow()
    try:
        apply_move(
            deal,
            Action.ACCEPT,
            side,
            actor,
            now=now,
            whose_turn=None,
            accepted_version=terms.number,
            reserved_quantity=terms.quantity,
            signed_at=now,
        )
    except (Conflict, IllegalTransition):
        db.session.rollback()
        deal = load_deal(deal_id)
        if (done := _already_accepted(deal, seen_version)) is not None:
            return done
        raise
    for listing_id in (deal.offer_id, deal.request_id):
        if listing_id is not None and not listing_quantity.reserve(listing_id, terms.quantity):
            db.session.rollback()
            left = db.session.get(Listing, listing_id).remaining
            raise Invalid(
                _l(
                    "Jumlah yang tersisa tidak cukup lagi: tinggal %(left)s %(unit)s.",
                    left=left,
                    unit=deal.commodity.unit,
                ),
                field="quantity",
            )
    contract = build_contract(deal, terms, actor, now)
    notify(deal, _other_pesantren(deal, side), "accept", number=contract.number)
    db.session.commit()
    return contract


def terms_of(version: TermsVersion) -> rules.Terms:
    return rules.Terms(
        quantity=version.quantity,
        unit_price=version.unit_price,
        akad=version.akad,
        handover_date=version.handover_date,
        handover_place=version.handover_place,
        transport=version.transport,
        grade=version.grade,
        payment_due_date=version.payment_due_date,
        schedule=tuple(
            rules.Stage(date.fromisoformat(s["due"]), int(s["amount"]))
            for s in version.payment_schedule or []
        ),
        cost_price=version.cost_price,
        margin=version.margin,
    )


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


def mark_notifications_read(user, ids: list[int] | None = None, deal_id: int | None = None) -> int:
    """Mark the user's notifications read (all, the given ids, or those about one deal).
    Returns how many; commits only when there was something to mark."""
    from exchange.deals.models import Notification

    query = (
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if ids:
        query = query.where(Notification.id.in_(ids))
    if deal_id is not None:
        query = query.where(Notification.deal_id == deal_id)
    count = db.session.execute(query).rowcount
    if count:
        db.session.commit()
    return count
