"""The engine's pool suggestion on the pools page: three kitchens whose requests fail only on a
seller's minimum are told, and one click opens the pool with the kitchen's request as its share
(the request itself withdrawn)."""

from sqlalchemy import select

from exchange.clock import today_wib
from exchange.extensions import db
from exchange.listings.models import Listing, ListingStatus, Side
from exchange.matching import queries as matching_queries
from exchange.pools.models import Pool
from tests.factories import make_listing
from tests.pools.helpers import kitchens, seller_offer


def test_kitchens_below_a_minimum_are_told_and_one_click_opens_the_pool(app, client, auth):
    with app.app_context():
        _seller, offer = seller_offer()
        ks = kitchens()
        requests = [
            make_listing(
                k.pesantren,
                side=Side.REQUEST,
                slug="beras",
                quantity=1000,
                price=13000,
                grade=2,
                start=offer.window_start,
            )
            for k in ks
        ]
        (hint,) = matching_queries.pool_hints(ks[0].pesantren_id, today_wib())
        assert (hint.offer_id, hint.pesantren_count, hint.quantity, hint.minimum) == (
            offer.id,
            3,
            3000,
            2500,
        )
        email, own_id = ks[0].email, requests[0].id
    auth.login(email)
    page = client.get("/patungan").text
    assert "3 pesantren di dekat Anda butuh Beras" in page
    done = client.post("/patungan/dari-saran", data={"request": own_id, "hub": hint.hub_listing_id})
    assert done.status_code == 302
    with app.app_context():
        pool = db.session.scalars(select(Pool)).one()
        assert pool.total == 1000 and pool.listing.quantity == 1000
        assert db.session.get(Listing, own_id).status == ListingStatus.WITHDRAWN
