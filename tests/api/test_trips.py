"""Shared trips through the API: read, and only each deal's transport bearer answers."""

from __future__ import annotations

from exchange.api.tokens import create_token
from exchange.extensions import db
from exchange.freight.models import Trip
from tests.api.helpers import bearer
from tests.factories import make_manager
from tests.freight.helpers import trip_with


def _post(client, token, path, key):
    return client.post(path, headers=bearer(token, **{"Idempotency-Key": key}))


def test_a_bearer_reads_and_accepts_a_trip_and_others_cannot(app, client):
    with app.app_context():
        manager = make_manager(regency_code="3529")
        trip_id, deal_id = trip_with(manager)
        trip = db.session.get(Trip, trip_id)
        other_deal = next(d.deal_id for d in trip.deals if d.deal_id != deal_id)
        token = create_token(manager, "truk", ["read", "deals"])[1]
        reader = create_token(manager, "baca", ["read"])[1]
        stranger = create_token(make_manager(regency_code="3573"), "lain", ["read", "deals"])[1]
    listed = client.get("/api/v1/trips", headers=bearer(token))
    assert [t["id"] for t in listed.json["items"]] == [trip_id]
    shown = client.get(f"/api/v1/trips/{trip_id}", headers=bearer(token))
    body = shown.json
    assert body["state"] == "proposed"
    assert sum(d["share"] for d in body["deals"]) == body["total"]
    assert all(d["share"] <= d["stand_alone"] for d in body["deals"])
    assert body["saving"] == body["stand_alone_total"] - body["total"] > 0
    assert client.get(f"/api/v1/trips/{trip_id}", headers=bearer(stranger)).status_code == 404

    path = f"/api/v1/trips/{trip_id}/deals"
    assert _post(client, reader, f"{path}/{deal_id}/accept", "r1").status_code == 403
    assert _post(client, stranger, f"{path}/{deal_id}/accept", "s1").status_code == 404
    # the partner bears the other deal's transport: not this manager's answer to give
    assert _post(client, token, f"{path}/{other_deal}/accept", "o1").status_code == 403
    accepted = _post(client, token, f"{path}/{deal_id}/accept", "a1")
    assert accepted.status_code == 200, accepted.json
    mine = next(d for d in accepted.json["deals"] if d["deal_id"] == deal_id)
    assert mine["answer"] == "accepted" and accepted.json["state"] == "proposed"
    again = _post(client, token, f"{path}/{deal_id}/decline", "a2")
    assert again.status_code in (400, 409, 422)  # answered already: a message, nothing changes
    with app.app_context():
        assert db.session.get(Trip, trip_id).state.value == "proposed"
