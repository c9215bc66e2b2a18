"""A small world for the API tests: two trading pesantren, a listing each, a deal, tokens."""

from __future__ import annotations

from dataclasses import dataclass

from exchange.api.tokens import create_token
from exchange.extensions import db
from tests.factories import make_deal, make_listing, make_manager, make_staff


@dataclass
class World:
    seller_id: int
    buyer_id: int
    outsider_id: int
    offer_id: int
    request_id: int
    deal_id: int
    seller_token: str  # read, listings, deals
    buyer_token: str
    outsider_token: str
    staff_token: str
    seller_pesantren: int


def build_world() -> World:
    seller = make_manager()
    buyer = make_manager(regency_code="3578")
    outsider = make_manager(regency_code="3515")
    staff = make_staff()
    offer = make_listing(seller.pesantren, quantity=500)
    request = make_listing(buyer.pesantren, side="request", quantity=100)
    deal = make_deal(seller, buyer, offer=offer)
    all_scopes = ["read", "listings", "deals"]
    world = World(
        seller_id=seller.id,
        buyer_id=buyer.id,
        outsider_id=outsider.id,
        offer_id=offer.id,
        request_id=request.id,
        deal_id=deal.id,
        seller_token=create_token(seller, "opop", all_scopes)[1],
        buyer_token=create_token(buyer, "koperasi", all_scopes)[1],
        outsider_token=create_token(outsider, "lain", all_scopes)[1],
        staff_token=create_token(staff, "dinas", ["read", "staff"])[1],
        seller_pesantren=seller.pesantren_id,
    )
    db.session.remove()
    return world


def bearer(token: str, **extra) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **extra}
