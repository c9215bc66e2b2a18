"""A small exchange with one of everything, and clients signed in as each role."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from exchange.extensions import db
from exchange.listings.models import Side
from tests.factories import (
    TEST_PASSWORD,
    make_admin,
    make_deal,
    make_listing,
    make_manager,
    make_staff,
)


@dataclass
class World:
    seller: str
    buyer: str
    outsider: str
    staff: str
    admin: str
    offer_id: int
    request_id: int
    deal_id: int
    seller_pesantren: int
    outsider_pesantren: int
    hidden_id: int


def build_world() -> World:
    """Call inside an app context."""
    seller = make_manager()
    buyer = make_manager(regency_code="3578")
    outsider = make_manager(regency_code="3573")
    staff, admin = make_staff(), make_admin()
    offer = make_listing(seller.pesantren)
    request = make_listing(buyer.pesantren, side=Side.REQUEST, price=2000)
    hidden = make_listing(seller.pesantren, status="hidden")
    deal = make_deal(seller, buyer, offer=offer)
    world = World(
        seller=seller.email,
        buyer=buyer.email,
        outsider=outsider.email,
        staff=staff.email,
        admin=admin.email,
        offer_id=offer.id,
        request_id=request.id,
        deal_id=deal.id,
        seller_pesantren=seller.pesantren_id,
        outsider_pesantren=outsider.pesantren_id,
        hidden_id=hidden.id,
    )
    db.session.remove()
    return world


_addresses = itertools.count(1)


def signed_in(app, email: str | None, address: str | None = None):
    """A client signed in as ``email`` (or a visitor), from an address of its own so that the
    per-client limits of one test do not add up."""
    client = app.test_client()
    n = next(_addresses)
    client.environ_base["REMOTE_ADDR"] = address or f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"
    if email:
        response = client.post("/akun/masuk", data={"email": email, "password": TEST_PASSWORD})
        assert response.status_code == 302, email
    return client
