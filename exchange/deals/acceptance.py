"""Accepting a deal's terms: the quantity is committed, the contract made; a salam seller is
asked to confirm it received the price in full.

A retry (a double click, a busy database) gives back the one contract; the SQLite/PostgreSQL
lock errors are retried a few times with a short pause."""

from __future__ import annotations

import time

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from exchange.clock import to_wib, today_wib
from exchange.db import utcnow
from exchange.deals import after_signing
from exchange.deals.checks import TermsRefused, acceptance_reasons
from exchange.deals.contracts import build_contract, contract_for
from exchange.deals.facts import receipt_pending
from exchange.deals.models import Contract, Deal
from exchange.deals.moves import apply_move, load_deal, other_pesantren, require_current
from exchange.deals.notify import notify
from exchange.deals.states import Action, State
from exchange.deals.visibility import side_of
from exchange.errors import Conflict, IllegalTransition, Invalid
from exchange.extensions import db
from exchange.i18n import rupiah
from exchange.listings import quantity as listing_quantity
from exchange.listings.models import Listing

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
    require_current(deal, seen_version)
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
    contract = build_contract(deal, terms, actor, now)
    notify(deal, other_pesantren(deal, side), "accept", number=contract.number)
    if after_signing.buyer_pays_first(terms.akad):
        # Salam (fatwa 05/2000): the price is paid in full when the contract is agreed. Only
        # the seller can say it received it: it confirms the receipt (the kuitansi in its
        # name) by 24:00 WIB today, or the acceptance lapses (``lapse_salam_receipts`` below).
        notify(deal, deal.seller_pesantren_id, "salam_receipt", amount=rupiah(terms.total))
    db.session.commit()
    return contract


def lapse_salam_receipts(now=None) -> int:
    """Salam acceptances whose price the seller did not confirm by 24:00 WIB of the signing day
    lapse: the deal is cancelled, the reserved quantity released, both sides told. Returns how
    many. Commits once (the scheduler's hourly expiry job calls it)."""
    now = now or utcnow()
    today = today_wib(now)
    candidates = db.session.scalars(
        select(Deal)
        .where(Deal.state == State.SIGNED.value, Deal.signed_at.is_not(None))
        .order_by(Deal.id)
    ).unique()
    count = 0
    for deal in candidates:
        if not receipt_pending(deal) or to_wib(deal.signed_at).date() >= today:
            continue
        reserved = deal.reserved_quantity
        try:
            with db.session.begin_nested():
                apply_move(
                    deal, Action.LAPSE, None, None, now=now, reserved_quantity=0, closed_at=now
                )
        except (Conflict, IllegalTransition):
            continue
        for listing_id in (deal.offer_id, deal.request_id):
            if listing_id is not None:
                listing_quantity.release(listing_id, reserved)
        notify(deal, deal.seller_pesantren_id, "lapse")
        notify(deal, deal.buyer_pesantren_id, "lapse")
        count += 1
    db.session.commit()
    return count
