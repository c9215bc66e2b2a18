"""Every move of the pool page through the API (open, join, leave, agree, ship to the hub, a
share turned into a request) and its reads: the same rules as the pool page."""

from __future__ import annotations

from exchange.api.tokens import create_token
from exchange.clock import today_wib
from exchange.deals import acceptance
from exchange.deals.models import Deal
from exchange.extensions import db
from exchange.pools import services
from tests.api.helpers import bearer
from tests.factories import make_manager
from tests.pools.helpers import kitchens, pool_input, seller_offer


def _post(client, token, path, body, key):
    return client.post(path, json=body, headers=bearer(token, **{"Idempotency-Key": key}))


def test_join_and_leave_a_pool_and_the_far_are_refused(app, client):
    with app.app_context():
        a, b = kitchens(2)
        pool = services.open_pool(a, pool_input())
        near = create_token(b, "dapur", ["read", "listings"])[1]
        far = create_token(make_manager("3529"), "jauh", ["read", "listings"])[1]
        reader = create_token(b, "baca", ["read"])[1]
        path = f"/api/v1/pools/{pool.id}"
    joined = _post(client, near, f"{path}/join", {"quantity": 700}, "j1")
    assert joined.status_code == 200, joined.json
    assert (joined.json["total"], joined.json["my_quantity"]) == (1700, 700)
    again = _post(client, near, f"{path}/join", {"quantity": 700}, "j1")  # the same key: replay
    assert again.json == joined.json
    refused = _post(client, far, f"{path}/join", {"quantity": 700}, "j2")
    assert refused.status_code in (400, 409, 422) and "km" in refused.text
    assert _post(client, reader, f"{path}/join", {"quantity": 1}, "j3").status_code == 403
    left = _post(client, near, f"{path}/leave", None, "l1")
    assert left.status_code == 200 and left.json["total"] == 1000
    assert left.json["my_quantity"] is None


def _body(**kw) -> dict:
    given = pool_input(**kw)
    return {
        "commodity": given.commodity,
        "grade": given.grade,
        "quantity": given.quantity,
        "price": given.price,
        "window_start": given.window_start.isoformat(),
        "window_end": given.window_end.isoformat(),
        "hub_lat": given.hub_lat,
        "hub_lon": given.hub_lon,
        "hub_address": given.hub_address,
        "akad": list(given.akad),
    }


def test_open_a_pool_and_read_it_as_the_pages_show_it(app, client):
    with app.app_context():
        a, b = kitchens(2)
        mine = create_token(a, "dapur", ["read", "listings"])[1]
        near = create_token(b, "tetangga", ["read"])[1]
        far = create_token(make_manager("3529"), "jauh", ["read"])[1]
    opened = _post(client, mine, "/api/v1/pools", _body(), "o1")
    assert opened.status_code == 201, opened.json
    pool_id = opened.json["id"]
    assert opened.headers["Location"].endswith(f"/api/v1/pools/{pool_id}")
    assert (opened.json["state"], opened.json["total"], opened.json["my_quantity"]) == (
        "open",
        1000,
        1000,
    )
    assert [m["quantity"] for m in opened.json["members"]] == [1000]
    # a neighbour sees the open pool to join it, without its members; a far pesantren's list
    # does not name it (it may not join)
    seen = client.get(f"/api/v1/pools/{pool_id}", headers=bearer(near))
    assert seen.status_code == 200 and seen.json["members"] is None
    assert [p["id"] for p in client.get("/api/v1/pools", headers=bearer(near)).json["items"]] == [
        pool_id
    ]
    assert client.get("/api/v1/pools", headers=bearer(far)).json["items"] == []
    assert client.get("/api/v1/pools", headers=bearer(mine)).json["items"][0]["id"] == pool_id


def test_opening_a_pool_is_refused_in_the_requests_language(app, client):
    with app.app_context():
        mine = create_token(kitchens(1)[0], "dapur", ["read", "listings"])[1]
    headers = bearer(mine, **{"Idempotency-Key": "o2", "Accept-Language": "en"})
    schema = client.post("/api/v1/pools", json=_body() | {"quantity": 0}, headers=headers)
    assert schema.status_code == 400 and schema.json["type"] == "/api/v1/problems/invalid-request"
    assert {e["field"]: e["detail"] for e in schema.json["errors"]}["quantity"] == (
        "Must be at least 1."
    )
    headers["Idempotency-Key"] = "o3"
    today = today_wib().isoformat()
    rule = client.post("/api/v1/pools", json=_body() | {"window_start": today}, headers=headers)
    assert rule.status_code == 400 and "window" in rule.json["detail"]  # English, the rule's
    headers["Accept-Language"], headers["Idempotency-Key"] = "id", "o4"
    rule = client.post("/api/v1/pools", json=_body() | {"window_start": today}, headers=headers)
    assert rule.status_code == 400 and "Jendela waktu" in rule.json["detail"]


def test_a_seller_agrees_and_ships_to_the_hub_and_strangers_are_not_shown(app, client):
    with app.app_context():
        a, b = kitchens(2)
        pool = services.open_pool(a, pool_input())
        services.join_pool(b, pool.id, 1000)
        seller, offer = seller_offer(minimum=1500)
        pool_id, offer_id = pool.id, offer.id
        trader = create_token(seller, "penjual", ["read", "listings", "deals"])[1]
        listings_only = create_token(seller, "iklan", ["read", "listings"])[1]
        stranger = create_token(make_manager("3578"), "lain", ["read", "deals"])[1]
        member_a = create_token(a, "a", ["read"])[1]
    path = f"/api/v1/pools/{pool_id}"
    shown = client.get(path, headers=bearer(trader)).json
    assert shown["offers"] == [offer_id] and shown["members"] is None
    body = {"offer_id": offer_id}
    assert _post(client, listings_only, f"{path}/agree", body, "a0").status_code == 403
    assert _post(client, stranger, f"{path}/agree", body, "a1").status_code == 404  # not its offer
    agreed = _post(client, trader, f"{path}/agree", body, "a2")
    assert agreed.status_code == 200, agreed.json
    assert agreed.json["state"] == "matched" and len(agreed.json["deal_ids"]) == 2
    assert [m["quantity"] for m in agreed.json["members"]] == [1000, 1000]  # the seller sees
    again = _post(client, trader, f"{path}/agree", body, "a3")
    assert again.status_code == 409 and again.json["type"] == "/api/v1/problems/wrong-state"
    own = client.get(path, headers=bearer(member_a)).json
    assert len(own["deal_ids"]) == 1 and own["deal_ids"][0] in agreed.json["deal_ids"]
    assert client.get(path, headers=bearer(stranger)).status_code == 404  # matched: not its own
    assert _post(client, stranger, f"{path}/ship", {}, "s0").status_code == 404

    with app.app_context():
        for member in (a, b):
            member = db.session.merge(member)
            deal_id = next(m.deal_id for m in services._pool(pool_id).members
                           if m.pesantren_id == member.pesantren_id)  # fmt: skip
            acceptance.accept(member, deal_id, 1)
    shipped = _post(client, trader, f"{path}/ship", {"note": "Truk L300"}, "s1")
    assert shipped.status_code == 200, shipped.json
    with app.app_context():
        states = {db.session.get(Deal, i).state for i in agreed.json["deal_ids"]}
    assert states == {"shipped"}


def test_a_member_turns_its_share_into_a_request_once_the_pool_closed(app, client):
    with app.app_context():
        a, b = kitchens(2)
        closed = services.open_pool(a, pool_input())
        services.join_pool(b, closed.id, 700)
        services.close_unmatched(closed.window_start)
        still_open = services.open_pool(a, pool_input())
        member = create_token(b, "b", ["read", "listings"])[1]
        coordinator = create_token(a, "a", ["read", "listings"])[1]
        stranger = create_token(make_manager("3515"), "lain", ["read", "listings"])[1]
        closed_id, open_id = closed.id, still_open.id
    path = f"/api/v1/pools/{closed_id}/share-to-request"
    made = _post(client, member, path, None, "r1")
    assert made.status_code == 201, made.json
    assert (made.json["side"], made.json["quantity"]) == ("request", 700)
    assert made.headers["Location"].endswith(f"/api/v1/listings/{made.json['id']}")
    assert _post(client, member, path, None, "r2").json["id"] == made.json["id"]  # once
    assert _post(client, stranger, path, None, "r3").status_code == 404
    early = _post(client, coordinator, f"/api/v1/pools/{open_id}/share-to-request", None, "r4")
    assert early.status_code == 409 and early.json["type"] == "/api/v1/problems/wrong-state"
