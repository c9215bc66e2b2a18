"""Writes through the API: the same services as the pages, Idempotency-Key, rate limits."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from exchange.clock import today_wib
from exchange.deals.models import Deal, Payment
from exchange.extensions import db
from exchange.listings.models import Listing
from tests.api.helpers import bearer, build_world
from tests.api.test_tokens_and_scopes import LISTING


@pytest.fixture
def world(app):
    with app.app_context():
        return build_world()


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_a_retried_create_answers_the_same_and_posts_one_listing(app, client, world):
    headers = bearer(world.seller_token, **{"Idempotency-Key": "create-1"})
    first = client.post("/api/v1/listings", json=LISTING, headers=headers)
    again = client.post("/api/v1/listings", json=LISTING, headers=headers)
    assert first.status_code == 201 and again.status_code == 201
    assert again.json == first.json and again.headers["Idempotent-Replayed"] == "true"
    assert _count(app, Listing) == 3
    other = client.post("/api/v1/listings", json={**LISTING, "price": 9}, headers=headers)
    assert other.status_code == 422  # the same key with another body
    missing = client.post("/api/v1/listings", json=LISTING, headers=bearer(world.seller_token))
    assert missing.status_code == 400 and missing.mimetype == "application/problem+json"
    assert _count(app, Listing) == 3


def test_a_request_the_schema_refuses_leaves_its_key_free_for_the_corrected_retry(client, world):
    headers = bearer(world.seller_token, **{"Idempotency-Key": "fix-1"})
    wrong = client.post("/api/v1/listings", json={**LISTING, "quantity": "many"}, headers=headers)
    assert wrong.status_code == 400 and wrong.json["errors"][0]["field"] == "quantity"
    assert client.post("/api/v1/listings", json=LISTING, headers=headers).status_code == 201


def test_refused_listing_names_each_field(client, world):
    headers = bearer(world.seller_token, **{"Idempotency-Key": "b"})
    bad = {**LISTING, "commodity": "tidak-ada", "side": "x"}
    r = client.post("/api/v1/listings", json=bad, headers=headers)
    assert r.status_code == 400  # the schema's enum refuses the side before the service runs
    assert {e["field"] for e in r.json["errors"]} == {"side"}
    r = client.post("/api/v1/listings", json={**bad, "side": "offer"}, headers=headers)
    assert r.status_code == 400
    assert {e["field"] for e in r.json["errors"]} >= {"commodity"}


def test_negotiate_accept_and_pay_once_through_the_api(app, client, world):
    def post(token, path, body, key):
        return client.post(path, json=body, headers=bearer(token, **{"Idempotency-Key": key}))

    opened = post(world.buyer_token, "/api/v1/deals", {"listing_id": world.offer_id}, "o1")
    assert opened.status_code == 201, opened.json
    deal = opened.json
    assert (
        post(world.buyer_token, "/api/v1/deals", {"listing_id": world.offer_id}, "o1").json == deal
    )
    accepted = post(
        world.seller_token, f"/api/v1/deals/{deal['id']}/accept", {"seen_version": 1}, "a1"
    )
    assert accepted.status_code == 200, accepted.json
    assert accepted.json["state"] == "signed" and accepted.json["contract_number"]
    pay = {"amount": accepted.json["amount_due"], "paid_on": today_wib().isoformat()}
    first = post(world.buyer_token, f"/api/v1/deals/{deal['id']}/payments", pay, "p1")
    again = post(world.buyer_token, f"/api/v1/deals/{deal['id']}/payments", pay, "p1")
    assert first.status_code == 201, first.json
    assert again.json == first.json
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Payment)) == 1
    outsider = post(world.outsider_token, f"/api/v1/deals/{deal['id']}/ship", {}, "s1")
    assert outsider.status_code == 404
    with app.app_context():
        assert db.session.get(Deal, deal["id"]).state == "signed"


def test_rate_limit_per_pesantren_with_ratelimit_headers(app, client, world):
    app.config["API_RATE_LIMIT"] = 3
    answers = [
        client.get("/api/v1/regencies", headers=bearer(world.seller_token)) for _ in range(4)
    ]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[0].headers["RateLimit-Policy"] == '"pesantren";q=3;w=60'
    assert answers[2].headers["RateLimit"].startswith('"pesantren";r=0;')
    assert int(answers[3].headers["Retry-After"]) >= 1
    assert answers[3].mimetype == "application/problem+json"
    # another pesantren has its own budget; another token of the same pesantren does not
    assert client.get("/api/v1/regencies", headers=bearer(world.buyer_token)).status_code == 200
    from exchange.api.tokens import create_token
    from exchange.auth.models import User

    with app.app_context():
        second = create_token(db.session.get(User, world.seller_id), "kedua", ["read"])[1]
    assert client.get("/api/v1/regencies", headers=bearer(second)).status_code == 429


def test_a_claim_left_by_a_dead_request_frees_its_key_and_old_answers_are_pruned(
    app, client, world
):
    from datetime import timedelta

    from exchange.api.idempotency import prune
    from exchange.api.models import IdempotentAnswer
    from exchange.api.tokens import authenticate
    from exchange.db import utcnow

    headers = bearer(world.seller_token, **{"Idempotency-Key": "dead-1"})
    with app.app_context():
        token = authenticate(world.seller_token)
        claim = IdempotentAnswer(
            token_id=token.id, key="dead-1", fingerprint="x", status=0, body=""
        )
        db.session.add(claim)
        db.session.commit()
    running = client.post("/api/v1/listings", json=LISTING, headers=headers)
    assert running.status_code == 409  # the first request may still be running
    with app.app_context():
        claim = db.session.scalar(select(IdempotentAnswer))
        claim.created_at = utcnow() - timedelta(minutes=5)
        db.session.commit()
    assert client.post("/api/v1/listings", json=LISTING, headers=headers).status_code == 201
    with app.app_context():
        assert prune(utcnow()) == 0
        db.session.execute(
            IdempotentAnswer.__table__.update().values(created_at=utcnow() - timedelta(days=2))
        )
        db.session.commit()
    # the token's next write forgets its answers older than a day
    fresh = bearer(world.seller_token, **{"Idempotency-Key": "dead-2"})
    assert client.post("/api/v1/listings", json=LISTING, headers=fresh).status_code == 201
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(IdempotentAnswer)) == 1
