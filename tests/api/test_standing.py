"""Standing requests (kebutuhan rutin) through the API: the page's moves (create, repeat an own
request, stop, skip the next period) and its list, on the same service."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from exchange.api.tokens import create_token
from exchange.clock import today_wib
from exchange.extensions import db
from exchange.listings.models import Listing
from tests.api.helpers import bearer
from tests.factories import make_listing, make_manager

PATH = "/api/v1/standing-requests"


def _post(client, token, path, body, key, language=None):
    headers = bearer(token, **{"Idempotency-Key": key})
    if language:
        headers["Accept-Language"] = language
    return client.post(path, json=body, headers=headers)


def _body(days: int = 7, **kw) -> dict:
    start = today_wib()
    return {
        "commodity": "beras",
        "grade": "Medium 3",
        "quantity": 500,
        "price": 13000,
        "window_start": start.isoformat(),
        "window_end": (start + timedelta(days=days - 1)).isoformat(),
        "akad": ["tunai", "tempo"],
        "cadence": "weekly",
    } | kw


def _tokens(app):
    with app.app_context():
        buyer, other = make_manager(), make_manager("3578")
        request = make_listing(buyer.pesantren, side="request", slug="beras", quantity=400)
        return (
            create_token(buyer, "dapur", ["read", "listings"])[1],
            create_token(other, "lain", ["read", "listings"])[1],
            create_token(buyer, "baca", ["read"])[1],
            request.id,
        )


def test_create_list_skip_and_stop_a_standing_request(app, client):
    mine, other, reader, _request = _tokens(app)
    made = _post(client, mine, PATH, _body(), "c1")
    assert made.status_code == 201, made.json
    standing_id = made.json["id"]
    assert made.headers["Location"].endswith(f"{PATH}/{standing_id}")
    assert made.json["cadence"] == "weekly" and made.json["running"] is True
    # the first period has begun: its request is posted at once
    assert made.json["next_start"] == (today_wib() + timedelta(days=7)).isoformat()
    assert made.json["next_window_end"] == (today_wib() + timedelta(days=13)).isoformat()
    with app.app_context():
        posted = db.session.scalars(
            select(Listing).where(Listing.client_token.like(f"standing-{standing_id}-%"))
        ).all()
    assert [p.quantity for p in posted] == [500]
    assert [s["id"] for s in client.get(PATH, headers=bearer(mine)).json["items"]] == [standing_id]
    assert client.get(PATH, headers=bearer(other)).json["items"] == []

    skipped = _post(client, mine, f"{PATH}/{standing_id}/skip", None, "s1")
    assert skipped.status_code == 200 and skipped.json["skips"] == [made.json["next_start"]]
    assert _post(client, reader, f"{PATH}/{standing_id}/stop", None, "t0").status_code == 403
    stopped = _post(client, mine, f"{PATH}/{standing_id}/stop", None, "t1")
    assert stopped.status_code == 200 and stopped.json["running"] is False
    assert _post(client, mine, f"{PATH}/{standing_id}/stop", None, "t2").status_code == 200
    late = _post(client, mine, f"{PATH}/{standing_id}/skip", None, "s2")
    assert late.status_code == 409 and late.json["type"] == "/api/v1/problems/wrong-state"


def test_another_pesantrens_standing_request_is_not_found(app, client):
    mine, other, _reader, request_id = _tokens(app)
    standing_id = _post(client, mine, PATH, _body(), "c1").json["id"]
    assert client.get(f"{PATH}/{standing_id}", headers=bearer(other)).status_code == 404
    for move in ("stop", "skip"):
        assert _post(client, other, f"{PATH}/{standing_id}/{move}", None, move).status_code == 404
    repeat = _post(
        client, other, f"/api/v1/listings/{request_id}/repeat", {"cadence": "weekly"}, "r"
    )
    assert repeat.status_code == 404
    assert client.get(f"{PATH}/{standing_id}", headers=bearer(mine)).status_code == 200


def test_an_own_request_repeats_from_the_period_after_it(app, client):
    mine, _other, _reader, request_id = _tokens(app)
    made = _post(client, mine, f"/api/v1/listings/{request_id}/repeat", {"cadence": "monthly"}, "r")
    assert made.status_code == 201, made.json
    assert (made.json["cadence"], made.json["quantity"]) == ("monthly", 400)
    assert made.json["next_start"] > today_wib().isoformat()


def test_bad_input_is_refused_in_the_requests_language(app, client):
    mine, *_rest = _tokens(app)
    schema = _post(client, mine, PATH, _body(cadence="daily"), "b1", "en")
    assert schema.status_code == 400 and schema.json["type"] == "/api/v1/problems/invalid-request"
    assert [e["field"] for e in schema.json["errors"]] == ["cadence"]
    long = _post(client, mine, PATH, _body(days=40), "b2", "en")
    assert (
        long.status_code == 400
        and long.json["detail"] == "Each period's window is at most 31 days."
    )
    long = _post(client, mine, PATH, _body(days=40), "b3", "id")
    assert long.status_code == 400
    assert long.json["detail"] == "Jangka setiap periode paling lama 31 hari."
