"""The market list pages by a keyset cursor: ``limit`` up to 100, ``next_cursor`` and
``Link: rel="next"``, and a listing posted between two pages neither repeats nor skips a row."""

from __future__ import annotations

import pytest

from exchange.auth.models import User
from exchange.extensions import db
from tests.api.helpers import bearer, build_world
from tests.factories import make_listing


def _next(response) -> str | None:
    link = response.headers.get("Link", "")
    return link.split("<", 1)[1].split(">", 1)[0] if 'rel="next"' in link else None


@pytest.mark.parametrize("sort", ["newest", "price_asc", "price_desc", "distance"])
def test_pages_are_stable_when_listings_are_posted_between_them(app, client, sort):
    with app.app_context():
        world = build_world()
        seller = db.session.get(User, world.seller_id)
        for i in range(9):
            make_listing(seller.pesantren, price=1000 + 100 * (i % 5), lat=-7.2 - i / 100)
    token = bearer(world.buyer_token)
    everything = client.get(f"/api/v1/listings?limit=100&sort={sort}", headers=token).json
    at_start = [x["id"] for x in everything["items"]]
    assert len(at_start) >= 10 and everything["next_cursor"] is None
    first = client.get(f"/api/v1/listings?limit=4&sort={sort}", headers=token)
    assert first.status_code == 200, first.json
    seen = [x["id"] for x in first.json["items"]]
    assert seen == at_start[:4] and first.json["next_cursor"]
    url = _next(first)
    assert url and "cursor=" in url and "limit=4" in url
    with app.app_context():  # new listings at every price and place: before, inside, after
        seller = db.session.get(User, world.seller_id)
        for price, lat in ((900, -7.0), (1200, -7.25), (9000, -8.0)):
            make_listing(seller.pesantren, price=price, lat=lat)
    while url:
        page = client.get(url.split("localhost", 1)[1], headers=token)
        assert page.status_code == 200, page.json
        seen += [x["id"] for x in page.json["items"]]
        url = _next(page)
    assert len(seen) == len(set(seen)), f"a row came twice: {seen}"
    assert set(at_start) <= set(seen), f"rows skipped: {set(at_start) - set(seen)}"
    old_order = [i for i in seen if i in set(at_start)]
    assert old_order == at_start  # the rows of the start keep their order


def test_limit_is_at_most_100_and_a_foreign_cursor_is_refused(app, client):
    with app.app_context():
        world = build_world()
    token = bearer(world.buyer_token)
    assert client.get("/api/v1/listings?limit=101", headers=token).status_code == 400
    assert client.get("/api/v1/listings?limit=100", headers=token).status_code == 200
    bad = client.get("/api/v1/listings?cursor=bm9wZQ", headers=token)
    assert bad.status_code == 400 and bad.mimetype == "application/problem+json"
