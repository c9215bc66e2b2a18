"""Following changes without polling everything: the events feed, /deals since a time with a
keyset cursor, ETags with If-None-Match, If-Match on writes (412), PATCH on listings."""

from __future__ import annotations

import pytest

from tests.api.helpers import bearer, build_world
from tests.api.test_tokens_and_scopes import LISTING


@pytest.fixture
def world(app):
    with app.app_context():
        return build_world()


def _post(client, token, path, body=None, key="k", method="POST", **headers):
    headers = bearer(token, **{"Idempotency-Key": key}, **headers)
    return client.open(f"/api/v1{path}", method=method, json=body, headers=headers)


def _events(client, token, after=0, limit=100):
    answer = client.get(f"/api/v1/events?after={after}&limit={limit}", headers=bearer(token))
    assert answer.status_code == 200, answer.json
    return answer


def test_the_feed_tells_each_party_its_deal_moves_and_listing_changes_in_order(client, world):
    start = _events(client, world.seller_token).json["next_after"]
    mine = _post(client, world.seller_token, "/listings", LISTING, "l1").json
    accepted = _post(client, world.seller_token, f"/deals/{world.deal_id}/accept",
                     {"seen_version": 1}, "a1").json  # fmt: skip
    seller = _events(client, world.seller_token, start).json
    seen = [(e["kind"], e["object_id"], e["state"]) for e in seller["items"]]
    assert ("listing", mine["id"], "active") in seen
    assert ("deal", world.deal_id, "signed") in seen
    deal_event = next(e for e in seller["items"] if e["kind"] == "deal")
    assert deal_event["version"] == accepted["version"]
    assert [e["id"] for e in seller["items"]] == sorted(e["id"] for e in seller["items"])
    buyer = _events(client, world.buyer_token).json["items"]
    assert ("deal", world.deal_id, "signed") in [
        (e["kind"], e["object_id"], e["state"]) for e in buyer
    ]
    assert mine["id"] not in [e["object_id"] for e in buyer if e["kind"] == "listing"]
    assert not _events(client, world.outsider_token).json["items"]  # nothing of others'
    # read on from the cursor: nothing new, the same cursor back
    again = _events(client, world.seller_token, seller["next_after"]).json
    assert again == {"items": [], "next_after": seller["next_after"]}


def test_a_full_page_of_events_links_to_the_next(client, world):
    for n in range(3):
        _post(client, world.seller_token, "/listings", {**LISTING, "price": 1500 + n}, f"l{n}")
    first = _events(client, world.seller_token, limit=2)
    assert len(first.json["items"]) == 2 and 'rel="next"' in first.headers["Link"]
    rest = _events(client, world.seller_token, first.json["next_after"]).json["items"]
    assert rest and rest[0]["id"] > first.json["items"][-1]["id"]


def test_an_etag_answers_304_and_a_stale_if_match_412_leaving_the_deal_unchanged(client, world):
    path = f"/api/v1/deals/{world.deal_id}"
    read = client.get(path, headers=bearer(world.seller_token))
    etag = read.headers["ETag"]
    same = client.get(path, headers=bearer(world.seller_token, **{"If-None-Match": etag}))
    assert same.status_code == 304 and same.headers["ETag"] == etag and not same.data
    accepted = _post(client, world.seller_token, f"/deals/{world.deal_id}/accept",
                     {"seen_version": 1}, "a1", **{"If-Match": etag})  # fmt: skip
    assert accepted.status_code == 200, accepted.json
    stale = _post(client, world.seller_token, f"/deals/{world.deal_id}/ship", {}, "s1",
                  **{"If-Match": etag})  # fmt: skip
    assert stale.status_code == 412
    assert stale.json["type"] == "/api/v1/problems/stale-version"
    now = client.get(path, headers=bearer(world.seller_token, **{"If-None-Match": etag}))
    assert now.status_code == 200 and now.json["state"] == "signed"
    fresh = _post(client, world.seller_token, f"/deals/{world.deal_id}/ship", {}, "s1",
                  **{"If-Match": now.headers["ETag"]})  # fmt: skip
    assert fresh.status_code == 200 and fresh.json["state"] == "shipped"  # the key stayed free
    wrong_state = _post(client, world.seller_token, f"/deals/{world.deal_id}/ship", {}, "s2")
    assert wrong_state.status_code == 409
    assert wrong_state.json["type"] == "/api/v1/problems/wrong-state"


def test_patch_changes_only_the_fields_sent_and_if_match_guards_it(client, world):
    body = {**LISTING, "note": "kering", "min_quantity": 10, "halal_cert": "ID123"}
    created = _post(client, world.seller_token, "/listings", body, "c1")
    path, etag = f"/listings/{created.json['id']}", created.headers["ETag"]
    patched = _post(client, world.seller_token, path, {"price": 1700}, "p1", "PATCH",
                    **{"If-Match": etag})  # fmt: skip
    assert patched.status_code == 200, patched.json
    got = patched.json
    assert (got["price"], got["note"], got["min_quantity"], got["halal_cert"]) == (
        1700, "kering", 10, "ID123")  # fmt: skip
    assert got["version"] == created.json["version"] + 1
    stale = _post(client, world.seller_token, path, {"price": 1800}, "p2", "PATCH",
                  **{"If-Match": etag})  # fmt: skip
    assert stale.status_code == 412
    cleared = _post(client, world.seller_token, path, {"note": None}, "p3", "PATCH")
    assert cleared.status_code == 200 and cleared.json["note"] == ""
    needed = _post(client, world.seller_token, path, {"akad": None}, "p4", "PATCH")
    assert needed.status_code == 400
    others = _post(client, world.buyer_token, path, {"price": 1}, "p5", "PATCH")
    assert others.status_code == 404


def test_deals_since_a_time_page_by_a_keyset_cursor(app, client, world):
    from exchange.auth.models import User
    from exchange.extensions import db
    from tests.factories import make_deal, make_listing

    with app.app_context():
        seller = db.session.get(User, world.seller_id)
        buyer = db.session.get(User, world.buyer_id)
        for _ in range(2):
            make_deal(seller, buyer, offer=make_listing(seller.pesantren))
    everything = client.get("/api/v1/deals", headers=bearer(world.buyer_token)).json
    assert len(everything["items"]) == 3 and everything["next_cursor"] is None
    first = client.get("/api/v1/deals?limit=2", headers=bearer(world.buyer_token))
    assert 'rel="next"' in first.headers["Link"]
    cursor = first.json["next_cursor"]
    _post(client, world.seller_token, f"/deals/{world.deal_id}/accept", {"seen_version": 1}, "a")
    rest = client.get(f"/api/v1/deals?limit=2&cursor={cursor}", headers=bearer(world.buyer_token))
    ids = [d["id"] for d in first.json["items"]] + [d["id"] for d in rest.json["items"]]
    assert len(set(ids)) == len(ids)  # a deal that moved meanwhile shifts no row across pages
    moved = everything["items"][0]["updated_at"]
    since = client.get("/api/v1/deals", query_string={"updated_since": moved},
                       headers=bearer(world.buyer_token)).json["items"]  # fmt: skip
    assert world.deal_id in [d["id"] for d in since] and len(since) < 4


def test_a_wrong_method_says_which_are_allowed(client, world):
    answer = client.delete("/api/v1/deals", headers=bearer(world.seller_token))
    assert answer.status_code == 405
    assert set(answer.headers["Allow"].split(", ")) >= {"GET", "POST"}


def test_notifications_speak_the_request_language_and_give_their_params(client, world):
    english = client.get(
        "/api/v1/notifications", headers=bearer(world.seller_token, **{"Accept-Language": "en"})
    ).json["items"]
    opened = english[0]
    assert "deal" in opened["params"] and opened["params"]["deal"] in opened["message"]
    assert "%(" not in opened["message"] and opened["message"] != opened["template"]
    indonesian = client.get("/api/v1/notifications", headers=bearer(world.seller_token)).json
    assert indonesian["items"][0]["message"] != opened["message"]
