"""An integrator's client, generated from the served document by openapi-python-client, carries
a listing, the market and a deal from a clearing proposal to both ratings against a live server.
(A document with two schemas of one title once gave such a client ``None`` for the market.)"""

from __future__ import annotations

import importlib
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from exchange.api.tokens import create_token
from exchange.auth.models import User
from exchange.clock import today_wib
from exchange.extensions import db
from exchange.matching.services import run_clearing
from tests.api.helpers import build_world
from tests.factories import make_listing

GENERATOR = Path(sys.executable).with_name("openapi-python-client")
CONFIG = """\
package_name_override: bp_client
project_name_override: bp-client
post_hooks: []
content_type_overrides:
  application/pdf: application/octet-stream
"""


def _generate(live_url: str, folder: Path):
    document = folder / "openapi.json"
    document.write_bytes(httpx.get(f"{live_url}/api/v1/openapi.json").content)
    (folder / "config.yml").write_text(CONFIG)
    done = subprocess.run(
        [
            str(GENERATOR),
            "generate",
            "--path",
            str(document),
            "--output-path",
            str(folder / "out" / "bp_client"),
            "--config",
            str(folder / "config.yml"),
            "--meta",
            "none",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "warning" not in done.stdout.lower(), done.stdout  # every schema and operation read
    sys.path.insert(0, str(folder / "out"))
    return importlib.import_module


@pytest.mark.slow
@pytest.mark.skipif(not GENERATOR.exists(), reason="openapi-python-client is not installed")
def test_a_generated_client_carries_a_deal_from_a_proposal_to_both_ratings(app, live_url, tmp_path):
    with app.app_context():
        world = build_world()
        seller = db.session.get(User, world.seller_id)
        buyer = db.session.get(User, world.buyer_id)
        make_listing(buyer.pesantren, side="request", slug="beras", quantity=150, price=2000)
        seller_token = create_token(seller, "gen", ["read", "listings", "deals"])[1]
        buyer_token = create_token(buyer, "gen", ["read", "listings", "deals"])[1]
    load = _generate(live_url, tmp_path)
    try:
        _scenario(load, live_url, seller_token, buyer_token, app)
    finally:
        sys.path.remove(str(tmp_path / "out"))
        for name in [m for m in sys.modules if m == "bp_client" or m.startswith("bp_client.")]:
            del sys.modules[name]


def _scenario(load, url, seller_token, buyer_token, app):
    client_module, models = load("bp_client"), load("bp_client.models")
    seller = client_module.AuthenticatedClient(base_url=url, token=seller_token)
    buyer = client_module.AuthenticatedClient(base_url=url, token=buyer_token)
    op = lambda name: load(f"bp_client.api.{name}")  # noqa: E731 - module by operation
    today = today_wib()
    listing = models.ListingIn.from_dict(
        {
            "side": "offer",
            "commodity": "beras",
            "quantity": 3650,
            "grade": "Premium",
            "price": 1200,
            "window_start": today.isoformat(),
            # not "the same day next year": from 30 April 2027 that is 366 days, one more than a
            # window may last, and from 29 February there is no such day
            "window_end": (today + timedelta(days=300)).isoformat(),
            "akad": ["tunai"],
        }
    )
    posted = op("listings.create_listing").sync(client=seller, body=listing, idempotency_key="l1")
    assert isinstance(posted, models.Listing), posted
    market = op("read.market").sync(client=buyer, commodity="beras")
    assert isinstance(market, models.MarketPage), market  # not None: one schema per title
    assert posted.id in [x.id for x in market.items]
    with app.app_context():
        run_clearing()
    proposals = op("read.proposals").sync(client=buyer).items
    proposal = next(p for p in proposals if p.offer_id == posted.id)
    opened = op("deals.open_deal").sync(
        client=buyer, body=models.OpenIn(proposal_id=proposal.id), idempotency_key="o1"
    )
    assert isinstance(opened, models.Deal), opened
    assert opened.versions[0].quantity == proposal.quantity == 150
    deal_id = opened.id
    signed = op("deals.accept").sync(
        deal_id, client=seller, body=models.AcceptIn(seen_version=1), idempotency_key="a1"
    )
    assert signed.state == "signed", signed
    assert [(a.side, a.action) for a in signed.awaited_action] == [("seller", "ship")]
    op("deals.ship").sync(deal_id, client=seller, body=models.NoteIn(), idempotency_key="s1")
    received = op("deals.receive").sync(
        deal_id,
        client=buyer,
        body=models.ReceiveIn(quantity_received=150, received_on=today, paid_now=signed.amount_due),
        idempotency_key="r1",
    )
    assert [a.action for a in received.awaited_action] == ["complete"], received
    done = op("deals.complete").sync(
        deal_id, client=seller, body=models.NoteIn(), idempotency_key="c1"
    )
    assert done.state == "completed", done
    for who in (seller, buyer):
        rated = op("deals.rate").sync(
            deal_id, client=who, body=models.RatingIn(score=5), idempotency_key="rate1"
        )
        assert isinstance(rated, models.Deal), rated
