"""Salam patungan (DOMAIN.md 7.1): several kitchens buy a harvest together, each its own salam,
each price paid in full in the signing session; a member whose price is not confirmed lapses
alone, the others' contracts go on to the hub."""

from datetime import timedelta

from sqlalchemy import select

from exchange.clock import today_wib
from exchange.db import utcnow
from exchange.deals import acceptance, fulfilment
from exchange.deals.models import Deal
from exchange.extensions import db
from exchange.pools import services
from tests.factories import make_listing
from tests.pools.helpers import kitchens, pool_input, seller_offer


def test_salam_pool_each_member_pays_its_own_and_one_lapse_breaks_nobody_else(app):
    with app.app_context():
        seller, _offer = seller_offer()
        offer = make_listing(
            seller.pesantren,
            slug="beras",
            quantity=3000,
            min_quantity=2500,
            price=11000,
            grade=3,
            start=today_wib() + timedelta(days=20),
            akad=["salam"],
        )
        a, b, c = kitchens()
        start = today_wib() + timedelta(days=30)
        pool = services.open_pool(
            a, pool_input(akad=("salam",), window_start=start, window_end=start + timedelta(9))
        )
        services.join_pool(b, pool.id, 1000)
        services.join_pool(c, pool.id, 1000)
        ids = services.agree(seller, pool.id, offer.id)
        deals = {d.buyer_pesantren_id: d for d in (db.session.get(Deal, i) for i in ids)}
        assert {d.current_terms.akad for d in deals.values()} == {"salam"}
        for member in (a, b, c):
            acceptance.accept(member, deals[member.pesantren_id].id, 1)
        # a and b pay in the signing session, the seller confirms each receipt; c does not
        for member in (a, b):
            fulfilment.confirm_salam_receipt(seller, deals[member.pesantren_id].id)
        assert acceptance.lapse_salam_receipts(utcnow() + timedelta(days=1)) == 1
        states = {
            d.buyer_pesantren_id: d.state
            for d in db.session.scalars(select(Deal).where(Deal.id.in_(ids)))
        }
        assert states == {
            a.pesantren_id: "signed",
            b.pesantren_id: "signed",
            c.pesantren_id: "cancelled",
        }
        shipped = services.ship_to_hub(seller, pool.id)
        assert sorted(shipped) == sorted([deals[a.pesantren_id].id, deals[b.pesantren_id].id])
