"""The listings batch: up to 500 rows, each written or refused on its own, idempotent; the
active-listing cap of a pesantren."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from exchange.extensions import db
from exchange.listings.models import Listing
from tests.api.helpers import bearer, build_world
from tests.api.test_tokens_and_scopes import LISTING


@pytest.fixture
def world(app):
    with app.app_context():
        return build_world()


def _batch(client, token, rows, key="b1"):
    return client.post(
        "/api/v1/listings/batch",
        json={"rows": rows},
        headers=bearer(token, **{"Idempotency-Key": key}),
    )


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Listing))


def test_each_row_is_written_or_refused_on_its_own_and_a_retry_writes_none_twice(
    app, client, world
):
    before = _count(app)
    rows = [
        {**LISTING, "price": 1501},
        {**LISTING, "quantity": "banyak"},  # the schema refuses it
        {**LISTING, "commodity": "tidak-ada"},  # the service refuses it
        {**LISTING, "price": 1502},
    ]
    answer = _batch(client, world.seller_token, rows)
    assert answer.status_code == 200, answer.json
    got = answer.json
    assert (got["written"], got["refused"]) == (2, 2)
    assert [r["status"] for r in got["items"]] == [201, 400, 400, 201]
    assert got["items"][1]["errors"][0]["field"] == "quantity"
    assert got["items"][2]["errors"][0]["field"] == "commodity"
    assert got["items"][3]["listing"]["price"] == 1502
    assert _count(app) == before + 2
    again = _batch(client, world.seller_token, rows)
    assert again.json == got and again.headers["Idempotent-Replayed"] == "true"
    assert _count(app) == before + 2


def test_a_batch_over_500_rows_is_refused_whole(client, world):
    answer = _batch(client, world.seller_token, [LISTING] * 501)
    assert answer.status_code == 400


def test_a_pesantren_holds_at_most_the_set_number_of_active_listings(app, client, world):
    app.config["MAX_ACTIVE_LISTINGS"] = 3  # the world's seller has one offer already
    rows = [{**LISTING, "price": 1500 + n} for n in range(3)]
    got = _batch(client, world.seller_token, rows).json
    assert [r["status"] for r in got["items"]] == [201, 201, 400]
    assert "3" in got["items"][2]["errors"][0]["detail"]
    single = client.post(
        "/api/v1/listings",
        json=LISTING,
        headers=bearer(world.seller_token, **{"Idempotency-Key": "x"}),
    )
    assert single.status_code == 400
