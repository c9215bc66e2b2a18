"""GET /api/v1/me, and Location on every 201."""

from __future__ import annotations

import pytest

from tests.api.helpers import bearer, build_world
from tests.api.test_tokens_and_scopes import LISTING


@pytest.fixture
def world(app):
    with app.app_context():
        return build_world()


def test_me_says_who_the_token_acts_as(app, client, world):
    me = client.get("/api/v1/me", headers=bearer(world.seller_token)).json
    assert me["pesantren"]["id"] == world.seller_pesantren and me["staff"] is False
    assert me["scopes"] == ["deals", "listings", "read"]
    assert me["rate_limit"] == app.config["API_RATE_LIMIT"]
    staff = client.get("/api/v1/me", headers=bearer(world.staff_token)).json
    assert staff["staff"] is True and staff["pesantren"] is None


def test_a_201_says_where_what_it_made_is(client, world):
    made = client.post(
        "/api/v1/listings",
        json=LISTING,
        headers=bearer(world.seller_token, **{"Idempotency-Key": "l1"}),
    )
    assert made.status_code == 201
    assert made.headers["Location"].endswith(f"/api/v1/listings/{made.json['id']}")
    opened = client.post(
        "/api/v1/deals",
        json={"listing_id": world.offer_id},
        headers=bearer(world.buyer_token, **{"Idempotency-Key": "o1"}),
    )
    assert opened.status_code == 201, opened.json
    assert opened.headers["Location"].endswith(f"/api/v1/deals/{opened.json['id']}")
