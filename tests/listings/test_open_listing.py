"""One definition of an open listing (``listings.queries.open_conditions``): the market, the
engine's instance and the suggestions agree, also on a pesantren suspended after posting."""

from __future__ import annotations

import re

import pytest

from exchange.clock import today_wib
from exchange.extensions import db
from exchange.matching import queries as engine_view
from exchange.pesantren.models import Pesantren, PesantrenStatus
from tests.factories import make_listing, make_pesantren

pytestmark = pytest.mark.clocks  # date-sensitive: also from each moment of CLOCKS


def _market_ids(client) -> set[int]:
    page = client.get("/pasar")
    assert page.status_code == 200
    return {int(x) for x in re.findall(r'href="/pasar/(\d+)"', page.text)}


def _engine_ids(app) -> set[str]:
    with app.app_context():
        return {x.id for x in engine_view.load_instance(today_wib()).listings}


def test_a_suspended_pesantrens_listing_leaves_the_market_and_the_clearing_alike(app, client):
    with app.app_context():
        seller = make_pesantren(regency_code="3529")
        listing_id = make_listing(seller, start=today_wib()).id
        seller_id = seller.id
    assert listing_id in _market_ids(client)
    assert str(listing_id) in _engine_ids(app)
    with app.app_context():
        db.session.get(Pesantren, seller_id).status = PesantrenStatus.SUSPENDED
        db.session.commit()
    assert listing_id not in _market_ids(client)
    assert str(listing_id) not in _engine_ids(app)
