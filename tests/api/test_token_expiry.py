"""Tokens with an optional expiry: chosen on the account page, shown in the token list, and an
expired token is refused with 401 problem+json (frozen clock)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from exchange import clock
from exchange.api.models import ApiToken
from exchange.clock import today_wib
from exchange.extensions import db
from tests.api.helpers import bearer


def test_a_token_made_with_an_expiry_works_until_that_day_and_is_then_refused(app, client, auth):
    with app.app_context():
        from tests.factories import make_manager

        manager = make_manager()
        email = manager.email
    auth.login(email)
    last_day = today_wib() + timedelta(days=3)
    page = client.post(
        "/akun/token/",
        data={"t-name": "OPOP Mart", "t-scopes": ["read"], "t-expires_on": last_day.isoformat()},
    )
    assert page.status_code == 200
    plaintext = page.get_data(as_text=True).split('<code class="token">')[1].split("<")[0]
    with app.app_context():
        stored = db.session.scalar(select(ApiToken))
        expires = stored.expires_at
    assert expires is not None and clock.to_wib(expires).date() == last_day + timedelta(days=1)
    account = client.get("/akun/").get_data(as_text=True)
    assert "Berlaku sampai" in account and last_day.strftime("%Y") in account

    with clock.frozen(expires - timedelta(seconds=1)):
        assert client.get("/api/v1/me", headers=bearer(plaintext)).status_code == 200
    with clock.frozen(expires):
        refused = client.get("/api/v1/me", headers=bearer(plaintext))
    assert refused.status_code == 401
    assert refused.headers["Content-Type"].startswith("application/problem+json")


def test_an_expiry_in_the_past_is_refused_with_a_message(app, client, auth):
    with app.app_context():
        from tests.factories import make_manager

        email = make_manager().email
    auth.login(email)
    yesterday = today_wib() - timedelta(days=1)
    page = client.post(
        "/akun/token/",
        data={"t-name": "lama", "t-scopes": ["read"], "t-expires_on": yesterday.isoformat()},
        follow_redirects=True,
    )
    assert "Tanggal berakhir token" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(ApiToken)) is None
