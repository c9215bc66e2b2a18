"""Tokens: stored hashed, shown once, revoked on the account page; each scope is a ceiling."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from exchange.api.models import ApiToken
from exchange.api.tokens import create_token, hash_token
from exchange.auth.models import User
from exchange.extensions import db
from exchange.listings.models import Listing
from tests.api.helpers import bearer, build_world
from tests.factories import make_manager

LISTING = {
    "side": "offer",
    "commodity": "garam_krosok",
    "quantity": 100,
    "grade": "K1",
    "price": 1500,
    "window_start": "2099-01-01",
    "window_end": "2099-02-01",
    "akad": ["tunai"],
}


@pytest.fixture
def world(app):
    with app.app_context():
        return build_world()


def _token_with(app, user_id: int, scopes: list[str]) -> str:
    with app.app_context():
        return create_token(db.session.get(User, user_id), "t", scopes)[1]


def test_the_account_page_makes_a_token_shown_once_and_stored_hashed(app, client, auth):
    with app.app_context():
        email = make_manager().email
    auth.login(email)
    assert "token-api" in client.get("/akun/").get_data(as_text=True)
    page = client.post("/akun/token/", data={"t-name": "OPOP Mart", "t-scopes": ["read"]})
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    text = page.get_data(as_text=True)
    plaintext = text.split('<code class="token">')[1].split("<")[0]
    with app.app_context():
        stored = db.session.scalar(select(ApiToken))
        assert stored.token_hash == hash_token(plaintext) and plaintext not in stored.token_hash
        assert stored.scopes == "read"
    assert plaintext not in client.get("/akun/").get_data(as_text=True)  # never shown again
    assert client.get("/api/v1/deals", headers=bearer(plaintext)).status_code == 200
    client.post(f"/akun/token/{stored.id}/cabut")
    revoked = client.get("/api/v1/deals", headers=bearer(plaintext))
    assert revoked.status_code == 401 and revoked.mimetype == "application/problem+json"


def test_a_manager_cannot_give_a_token_the_staff_scope(app):
    from exchange.errors import Invalid

    with app.app_context():
        user = make_manager()
        with pytest.raises(Invalid):
            create_token(user, "x", ["staff"])


def test_read_scope_cannot_write_listings_or_deals(app, client, world):
    token = _token_with(app, world.seller_id, ["read"])
    key = {"Idempotency-Key": "k1"}
    r = client.post("/api/v1/listings", json=LISTING, headers=bearer(token, **key))
    assert r.status_code == 403 and r.mimetype == "application/problem+json"
    assert r.json["type"] == "/api/v1/problems/scope-missing" and "listings" in r.json["detail"]
    r = client.post(f"/api/v1/deals/{world.deal_id}/reject", json={}, headers=bearer(token, **key))
    assert r.status_code == 403
    assert client.get("/api/v1/staff/figures", headers=bearer(token)).status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Listing)) == 2


def test_listings_scope_cannot_act_on_deals_or_read(app, client, world):
    token = _token_with(app, world.buyer_id, ["listings"])
    r = client.post(
        f"/api/v1/deals/{world.deal_id}/reject",
        json={},
        headers=bearer(token, **{"Idempotency-Key": "k2"}),
    )
    assert r.status_code == 403
    assert client.get("/api/v1/deals", headers=bearer(token)).status_code == 403
    with app.app_context():
        from exchange.deals.models import Deal

        assert db.session.get(Deal, world.deal_id).state == "negotiating"


def test_deals_scope_cannot_post_listings(app, client, world):
    token = _token_with(app, world.seller_id, ["deals"])
    r = client.post(
        "/api/v1/listings", json=LISTING, headers=bearer(token, **{"Idempotency-Key": "k3"})
    )
    assert r.status_code == 403


def test_staff_scope_reads_figures_that_a_manager_token_cannot(app, client, world):
    assert client.get("/api/v1/staff/flows", headers=bearer(world.staff_token)).status_code == 200
    assert client.get("/api/v1/staff/flows", headers=bearer(world.seller_token)).status_code == 403


def test_another_pesantrens_deal_is_404_and_a_cookie_session_cannot_drive_the_api(
    app, client, auth, world
):
    r = client.get(f"/api/v1/deals/{world.deal_id}", headers=bearer(world.outsider_token))
    assert r.status_code == 404
    assert (
        client.get(f"/api/v1/deals/{world.deal_id}", headers=bearer(world.buyer_token)).json[
            "my_side"
        ]
        == "buyer"
    )
    with app.app_context():
        email = db.session.get(User, world.seller_id).email
    auth.login(email)
    r = client.post(
        f"/api/v1/deals/{world.deal_id}/withdraw", json={}, headers={"Idempotency-Key": "c"}
    )
    assert r.status_code == 401
    assert client.get("/api/v1/deals").status_code == 401


def test_problems_speak_the_accept_language(client, world):
    en = client.get(
        "/api/v1/deals/999999", headers=bearer(world.seller_token, **{"Accept-Language": "en"})
    )
    idn = client.get("/api/v1/deals/999999", headers=bearer(world.seller_token))
    assert en.json["title"] == "Not found" and idn.json["title"] == "Tidak ditemukan"
    assert en.json["status"] == 404 and en.mimetype == "application/problem+json"
