"""Salt out of Madura and rice back: two signed deals through the deals services."""

from __future__ import annotations

from datetime import timedelta

from exchange.clock import today_wib
from exchange.deals import acceptance
from tests.factories import deal_terms, make_deal, make_listing, make_manager

SUMENEP, JOMBANG = "3529", "3517"


def signed_deal(seller, buyer, slug: str, quantity: int, transport: str = "seller", days: int = 7):
    offer = make_listing(seller.pesantren, slug=slug, grade=1, quantity=20_000, price=5_000)
    terms = deal_terms(
        grade=1, quantity=quantity, unit_price=5_000, transport=transport,
        handover_date=today_wib() + timedelta(days=days),
    )  # fmt: skip
    deal = make_deal(seller, buyer, offer=offer, terms=terms)
    acceptance.accept(seller, deal.id, 1)
    return deal.id


def back_haul():
    """Sumenep sells 2 t of salt to Jombang (Sumenep carries), Jombang 2,4 t of rice back
    (Jombang carries), both handed over in a week."""
    madura = make_manager(regency_code=SUMENEP)
    jombang = make_manager(regency_code=JOMBANG)
    salt = signed_deal(madura, jombang, "garam_krosok", 2_000)
    rice = signed_deal(jombang, madura, "beras", 2_400)
    return (madura, jombang), (salt, rice)


def trip_with(manager):
    """A proposed trip with a back-haul between ``manager``'s pesantren and a new partner:
    ``(trip id, the id of the deal whose transport manager's pesantren bears)``."""
    from sqlalchemy import select

    from exchange.extensions import db
    from exchange.freight.models import TripDeal
    from exchange.freight.services import plan_trips

    partner = make_manager(regency_code=JOMBANG)
    out = signed_deal(manager, partner, "garam_krosok", 2_000)
    signed_deal(partner, manager, "beras", 2_400)
    plan_trips()
    item = db.session.scalars(select(TripDeal).where(TripDeal.deal_id == out)).one()
    return item.trip_id, out
