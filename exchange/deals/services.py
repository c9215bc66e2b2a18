"""Negotiation use cases: open, counter, accept, reject, withdraw, expire.

Services are the only code that changes a deal's state. Each change goes through ``apply_move``:
the lifecycle table decides, a conditional ``UPDATE deals ... WHERE version = :seen`` makes it
(a concurrent move loses cleanly), and an append-only DealEvent is written in the same
transaction. Each public function commits once and raises a DomainError when it refuses.
"""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from exchange.audit.services import record
from exchange.auth.permissions import require_trader
from exchange.clock import to_wib, today_wib
from exchange.db import utcnow
from exchange.deals import akad as rules
from exchange.deals import bounds, dues, prefill, ribawi
from exchange.deals.contracts import build_contract, contract_for
from exchange.deals.models import Bundle, Contract, Deal, DealEvent, Payment, TermsVersion
from exchange.deals.notify import notify
from exchange.deals.states import HOLDS_QUANTITY, N_, Action, Context, Side, State, decide
from exchange.errors import Conflict, IllegalTransition, Invalid, NotFound
from exchange.extensions import db
from exchange.i18n import number, rupiah, short_date
from exchange.listings import quantity as listing_quantity
from exchange.listings.models import Listing, ListingStatus
from exchange.listings.models import Side as ListingSide
from exchange.matching import queries as matching_instance
from exchange.matching import services as matching_services
from exchange.matching.models import Proposal, ProposalStatus


class TermsRefused(Invalid):
    """The terms break one or more akad rules; ``reasons`` lists them all for the form."""

    def __init__(self, reasons: list[rules.Reason]):
        self.reasons = reasons
        super().__init__(reason_text(reasons[0]), field=reasons[0].field)

    @property
    def details(self) -> list[tuple]:
        return [(reason_text(r), r.field) for r in self.reasons]


def reason_text(reason: rules.Reason):
    params = {}
    for key, value in reason.params.items():
        if isinstance(value, int):
            value = rupiah(value)
        elif isinstance(value, date):
            value = short_date(value)
        elif key == "what":  # a msgid naming the date
            value = _l(value)
        params[key] = value
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
    state = State(deal.state)
    signed = deal.versions and state in HOLDS_QUANTITY
    accepted = deal.accepted_version is not None  # also once cancelled (a refund may be owed)
    return Context(
        state=state,
        whose_turn=Side(deal.whose_turn) if deal.whose_turn else None,
        cancel_requested_by=Side(deal.cancel_requested_by) if deal.cancel_requested_by else None,
        disputed_by=Side(deal.disputed_by) if deal.disputed_by else None,
        resume_state=State(deal.resume_state) if deal.resume_state else None,
        buyer_pays_first=rules.buyer_pays_first(terms_akad) and deal.paid < _amount_due(deal),
        shortfall_choice=accepted
        and state in (State.SIGNED, State.SHIPPED)
        and rules.shortfall_choice_open(terms_akad, deal.due_date, today or today_wib()),
        refund_owed=accepted and overpaid(deal) > 0,
        payment_due=bool(signed and payment_due(deal, today).amount > 0),
    )


def payment_due(deal: Deal, today: date | None = None) -> dues.Due:
    """What the buyer owes on a signed deal now, by its akad (``deals/dues.py``)."""
    terms = terms_of(deal.current_terms)
    return dues.due_now(
        terms.akad,
        _amount_due(deal),
        deal.paid - deal.refunded,
        today or today_wib(),
        handed_over=deal.delivery is not None,
        payment_due_date=terms.payment_due_date,
        schedule=terms.schedule,
        signed_on=to_wib(deal.signed_at).date() if deal.signed_at else None,
        handover_date=terms.handover_date,
    )


def _amount_due(deal: Deal) -> int:
    """What the buyer owes: the value of what was received once the BAST is recorded, nothing
    for a deal cancelled before it, else the contract's total. The one owner of this fact."""
    terms = deal.current_terms
    if deal.delivery is not None:
        return deal.delivery.quantity_received * terms.unit_price
    if deal.state == State.CANCELLED:
        return 0
    return terms.total


def amount_due(deal: Deal) -> int:
    return _amount_due(deal)


def overpaid(deal: Deal) -> int:
    """Money the buyer paid beyond the value due and not yet refunded (0 when none)."""
    return max(deal.paid - deal.refunded - _amount_due(deal), 0)


def contract_date(deal: Deal) -> date | None:
    """The signing day in WIB (payments, handovers and refunds are not dated before it)."""
    return to_wib(deal.signed_at).date() if deal.signed_at else None


def apply_move(deal: Deal, action: Action, side: Side | None, actor, note: str = "", **values):
    """Check the move against the table, then change the deal if nobody changed it meanwhile.

    Flushes the event; never commits. Raises IllegalTransition or Conflict.
    """
    staff = bool(getattr(actor, "is_staff", False))  # staff settle disputes (disputes.py)
    decision = decide(values.pop("ctx", None) or context(deal), action, side, staff)
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


# Opening ---------------------------------------------------------------------------------------


def _active_listing(listing_id: int | None) -> Listing:
    listing = db.session.get(Listing, listing_id) if listing_id else None
    if listing is None or listing.status == ListingStatus.HIDDEN:
        raise NotFound()
    if listing.status != ListingStatus.ACTIVE or listing.is_expired_on(today_wib()):
        raise Invalid(_l("Listing ini sudah tidak aktif."))
    return listing


goods_of = prefill.goods  # the catalogue's facts the akad rules read


def allowed_akad(deal_or_listings) -> list[str]:
    listings = [x for x in deal_or_listings if x is not None]
    return rules.offered_akad([x.akad or [] for x in listings], goods_of(listings[0].commodity))


def salam_resale_reasons(seller_pesantren_id: int | None, commodity_id: int) -> list:
    """A salam buyer may not sell the goods before receiving them, by any path (a new or an
    older offer, answering a request, a bundle): the reasons, empty when it may sell."""
    if seller_pesantren_id is None:
        return []
    from exchange.deals.queries import salam_blocks_relisting

    return salam_blocks_relisting(seller_pesantren_id, commodity_id)


def listing_reasons(terms: rules.Terms, listings, seller_pesantren_id=None) -> list:
    """What the listings of a deal demand of its terms: the grades (the deal's grade is the
    offer's, at least the request's minimum), the handover date inside both windows, and that
    the seller is not re-selling undelivered salam goods."""
    listings = [x for x in listings if x is not None]
    offer = next((x for x in listings if x.side == ListingSide.OFFER), None)
    request = next((x for x in listings if x.side == ListingSide.REQUEST), None)
    commodity = listings[0].commodity
    ranks = range(1, len(commodity.grades) + 1)
    if terms.grade is not None and terms.grade not in ranks:
        return [rules.Reason("grade_unknown", N_("Pilih salah satu mutu komoditas ini."), "grade")]
    reasons = rules.check_grade(
        terms.grade,
        offer.grade if offer else None,
        request.grade if request else None,
        lambda rank: commodity.grade_label(rank) if rank in ranks else str(rank),
    )
    reasons += bounds.check_in_windows(
        terms.handover_date, [(x.window_start, x.window_end) for x in listings]
    )
    reasons += salam_resale_reasons(seller_pesantren_id, commodity.id)
    return reasons


def check_terms(
    terms: rules.Terms, listings, today: date, seller_pesantren_id: int | None = None
) -> list[rules.Reason]:
    listings = [x for x in listings if x is not None]
    goods = goods_of(listings[0].commodity)
    reasons = rules.check_terms(terms, goods, allowed_akad(listings), today)
    reasons += listing_reasons(terms, listings, seller_pesantren_id)
    least = max((x.min_quantity or 0) for x in listings)
    if 0 < terms.quantity < least:
        reasons.append(
            rules.Reason(
                "quantity_minimum",
                N_("Jumlah kurang dari minimal pembelian per transaksi (%(least)s)."),
                "quantity",
                {"least": number(least)},
            )
        )
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
    """Terms to start from, complete for the akad chosen (deals/prefill.py). With the actor's own
    listing of the other side (a suggestion), the matching engine's terms for that pair: its
    fair price at the seller's gate (the buyer collects) and its akad."""
    offer = listing if listing.side == ListingSide.OFFER else counter
    request = listing if listing.side == ListingSide.REQUEST else counter
    price, akad, transport = None, None, "seller"
    if offer is not None and request is not None:
        quote = matching_instance.pair_quote(offer, request, today_wib())
        price, akad, transport = quote.fair_price, quote.akad, "buyer"
    return _prefilled(offer, request, unit_price=price, akad=akad, transport=transport)


def _prefilled(offer, request, transport: str, **given) -> rules.Terms:
    return prefill.terms_for(
        _facts(offer),
        _facts(request),
        allowed=allowed_akad((offer, request)),
        today=today_wib(),
        handover_place=handover_place(offer or request),
        transport=transport,
        **given,
    )


def _facts(listing: Listing | None) -> prefill.Facts | None:
    if listing is None:
        return None
    return prefill.Facts(
        price=listing.price,
        grade=listing.grade,
        remaining=listing.remaining,
        window_start=listing.window_start,
        window_end=listing.window_end,
        akad=tuple(listing.akad or ()),
        min_quantity=listing.min_quantity,
    )


def handover_place(listing: Listing) -> str:
    """Where the goods of a listing are: its pesantren, or its own place when it has one."""
    p = listing.pesantren
    where = f"{p.name}, {p.regency.short_name}"
    if (listing.lat, listing.lon) == (p.lat, p.lon):
        return where[:255]
    return str(
        _l(
            "Lokasi listing #%(id)s: %(lat).4f, %(lon).4f (%(where)s)",
            id=listing.id,
            lat=listing.lat,
            lon=listing.lon,
            where=where,
        )
    )[:255]


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
    """The form's starting terms for a proposal: its akad, quantity and price at the seller's
    gate (the buyer bears the transport, so the buyer collects), complete for the akad."""
    listing_id, counter_id = proposal_listings(actor, proposal)
    listing, counter = db.session.get(Listing, listing_id), db.session.get(Listing, counter_id)
    offer, request = (listing, counter) if listing.side == ListingSide.OFFER else (counter, listing)
    return _prefilled(
        offer,
        request,
        quantity=proposal.quantity,
        unit_price=proposal.price,
        akad=proposal.akad,
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
) -> Deal:
    """Open a negotiation on another pesantren's active listing; it is then their turn.

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
    seller_of = listing.pesantren_id if listing.side == ListingSide.OFFER else actor.pesantren_id
    reasons = check_terms(terms, (listing, counter), today_wib(), seller_of)
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
    notify(deal, _other_pesantren(deal, my_side), "open")
    db.session.commit()
    return deal


# Moves during negotiation -----------------------------------------------------------------------


def counter_offer(actor, deal_id: int, seen_version: int, terms: rules.Terms, message: str = ""):
    """Answer with new terms; the turn passes to the other side. Raises as ``apply_move``."""
    deal = load_deal(deal_id)
    side = side_of(actor, deal)
    _require_current(deal, seen_version)
    reasons = check_terms(terms, (deal.offer, deal.request), today_wib(), deal.seller_pesantren_id)
    reasons += bundled_reasons(deal, terms)
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
    reasons = acceptance_reasons(deal)
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
    if rules.buyer_pays_first(terms.akad):
        # Salam (fatwa 05/2000): the price is paid in full when the contract is agreed. The
        # acceptance is that moment: it records the buyer's full payment, dated the signing day.
        db.session.add(
            Payment(
                deal_id=deal.id,
                amount=terms.total,
                paid_on=to_wib(now).date(),
                note="Harga salam dibayar lunas saat akad",
                recorded_by_id=actor.id,
            )
        )
    contract = build_contract(deal, terms, actor, now)
    notify(deal, _other_pesantren(deal, side), "accept", number=contract.number)
    db.session.commit()
    return contract


def acceptance_reasons(deal: Deal) -> list[rules.Reason]:
    """Every reason the deal's current terms cannot be accepted now (the page shows them)."""
    terms = terms_of(deal.current_terms)
    listings = [x for x in (deal.offer, deal.request) if x is not None]
    reasons = rules.check_terms(
        terms, goods_of(deal.commodity), allowed_akad(listings), today_wib()
    )
    reasons += listing_reasons(terms, listings, deal.seller_pesantren_id)
    return reasons + bundled_reasons(deal, terms)


def ribawi_leg(deal: Deal, terms: rules.Terms | None = None) -> ribawi.Leg:
    terms = terms or terms_of(deal.current_terms)
    return ribawi.Leg(
        commodity_id=deal.commodity_id,
        ribawi_class=deal.commodity.ribawi_group,
        quantity=terms.quantity,
        deferred=rules.is_deferred(terms),
        handover_date=terms.handover_date,
    )


def ribawi_reasons(a: Deal, b: Deal, a_terms: rules.Terms | None = None) -> list[rules.Reason]:
    """The riba rules for two legs of a reciprocal bundle (``ribawi.check_bundle``)."""
    return ribawi.check_bundle(ribawi_leg(a, a_terms), ribawi_leg(b))


def bundled_reasons(deal: Deal, terms: rules.Terms) -> list[rules.Reason]:
    """A leg of a bundle keeps to the riba rules with the other leg, also when countered."""
    bundle = db.session.scalar(
        select(Bundle).where((Bundle.leg_a_id == deal.id) | (Bundle.leg_b_id == deal.id))
    )
    if bundle is None:
        return []
    other = bundle.leg_b if bundle.leg_a_id == deal.id else bundle.leg_a
    return ribawi_reasons(deal, other, terms)


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
