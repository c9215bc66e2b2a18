"""Joining and leaving a pool through the API: the same rules as the pool page."""

from __future__ import annotations

from exchange.api.tokens import create_token
from exchange.pools import services
from tests.api.helpers import bearer
from tests.factories import make_manager
from tests.pools.helpers import kitchens, pool_input


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
