"""Edit and withdraw a listing; counter and reject; open from a clearing proposal."""

from __future__ import annotations

import pytest

from tests.api.helpers import bearer, build_world
from tests.api.test_tokens_and_scopes import LISTING


@pytest.fixture
def world(app):
    with app.app_context():
        return build_world()


def _post(client, token, path, body, key, method="POST"):
    headers = bearer(token, **{"Idempotency-Key": key})
    return client.open(path, method=method, json=body, headers=headers)


def test_edit_then_withdraw_a_listing_and_others_get_404(client, world):
    created = _post(client, world.seller_token, "/api/v1/listings", LISTING, "c1").json
    path = f"/api/v1/listings/{created['id']}"
    edited = _post(client, world.seller_token, path, {**LISTING, "price": 1700}, "e1", "PUT")
    assert edited.status_code == 200 and edited.json["price"] == 1700
    assert _post(client, world.buyer_token, path, LISTING, "e2", "PUT").status_code == 404
    gone = _post(client, world.seller_token, f"{path}/withdraw", None, "w1")
    assert gone.status_code == 200 and gone.json["status"] == "withdrawn"
    market = client.get("/api/v1/listings", headers=bearer(world.buyer_token)).json
    assert created["id"] not in {x["id"] for x in market["items"]}


def test_counter_then_reject_keeps_every_version(client, world):
    deal = client.get(f"/api/v1/deals/{world.deal_id}", headers=bearer(world.seller_token)).json
    terms = deal["versions"][-1]
    counter = {
        "seen_version": deal["terms_version"],
        "message": "harga naik",
        "terms": {
            "quantity": terms["quantity"],
            "unit_price": terms["unit_price"] + 100,
            "akad": terms["akad"],
            "handover_date": terms["handover_date"],
            "handover_place": terms["handover_place"],
            "transport": terms["transport"],
        },
    }
    who = world.seller_token if deal["whose_turn"] == "seller" else world.buyer_token
    other = world.buyer_token if who == world.seller_token else world.seller_token
    countered = _post(client, who, f"/api/v1/deals/{world.deal_id}/counter", counter, "k1")
    assert countered.status_code == 200, countered.json
    assert [v["number"] for v in countered.json["versions"]] == [1, 2]
    stale = _post(client, other, f"/api/v1/deals/{world.deal_id}/accept", {"seen_version": 1}, "a")
    assert stale.status_code == 409  # the version the client saw is no longer current
    rejected = _post(client, other, f"/api/v1/deals/{world.deal_id}/reject", {}, "r1")
    assert rejected.status_code == 200 and rejected.json["state"] == "rejected"


def test_open_a_negotiation_from_a_clearing_proposal(app, client, world):
    from exchange.auth.models import User
    from exchange.extensions import db
    from exchange.matching.services import run_clearing
    from tests.factories import make_listing

    with app.app_context():
        seller = db.session.get(User, world.seller_id)
        buyer = db.session.get(User, world.buyer_id)
        make_listing(seller.pesantren, slug="beras", quantity=300, price=1200)
        request = make_listing(buyer.pesantren, side="request", slug="beras", price=2000)
        request_id = request.id
        run_clearing()
    proposals = client.get("/api/v1/proposals", headers=bearer(world.buyer_token)).json["items"]
    assert proposals, "the clearing run pairs the buyer's request with the seller's offer"
    opened = _post(
        client, world.buyer_token, "/api/v1/deals", {"proposal_id": proposals[0]["id"]}, "p1"
    )
    assert opened.status_code == 201, opened.json
    assert opened.json["request_id"] == request_id
    taken = _post(
        client, world.outsider_token, "/api/v1/deals", {"proposal_id": proposals[0]["id"]}, "p2"
    )
    assert taken.status_code == 404
