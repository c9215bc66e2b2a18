"""``listings.policy.is_open`` and its SQL twin ``listings.queries.open_conditions`` agree on
every kind of listing: each status, remaining or not, window over or not, each pesantren status."""

from __future__ import annotations

import itertools
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from exchange.clock import today_wib
from exchange.extensions import db
from exchange.listings.models import Listing
from exchange.listings.policy import ListingStatus, Side, is_open, other_side
from exchange.listings.queries import open_conditions
from exchange.pesantren.policy import PesantrenStatus
from tests.factories import commodity, make_pesantren

pytestmark = pytest.mark.clocks  # date-sensitive: also from each moment of CLOCKS


def test_is_open_and_open_conditions_agree_on_generated_listings(app):
    with app.app_context():
        today = today_wib()
        owners = {s: make_pesantren(status=s) for s in PesantrenStatus}
        salt = commodity().id
        cases = itertools.product(ListingStatus, (0, 1), (-1, 0, 1), PesantrenStatus)
        for status, remaining, end, owner in cases:
            p = owners[owner]
            db.session.add(
                Listing(
                    side=Side.OFFER,
                    pesantren_id=p.id,
                    commodity_id=salt,
                    grade=2,
                    quantity=10,
                    remaining=remaining,
                    price=1500,
                    window_start=today - timedelta(days=5),
                    window_end=today + timedelta(days=end),
                    lat=p.lat,
                    lon=p.lon,
                    akad=["tunai"],
                    status=status,
                )
            )
        db.session.commit()
        db.session.expire_all()
        in_sql = set(db.session.scalars(select(Listing.id).where(*open_conditions(today))))
        listings = db.session.scalars(select(Listing)).unique().all()
        in_python = {x.id for x in listings if is_open(x, today)}
        assert len(listings) == 5 * 2 * 3 * 4
        assert in_sql == in_python
        assert len(in_sql) == 2  # active, remaining, window today or later, verified


def _listing(**kw):
    base = {"status": "active", "remaining": 5, "window_end": today_wib()}
    owner = SimpleNamespace(status=kw.pop("owner", "verified"))
    return SimpleNamespace(**{**base, **kw}, pesantren=owner)


def test_a_suspended_pesantrens_listing_is_not_open():
    today = today_wib()
    assert is_open(_listing(), today)
    assert not is_open(_listing(owner=PesantrenStatus.SUSPENDED), today)
    assert not is_open(_listing(owner=PesantrenStatus.PENDING), today)
    assert not is_open(_listing(window_end=today - timedelta(days=1)), today)
    assert not is_open(_listing(remaining=0), today)
    assert not is_open(_listing(status=ListingStatus.HIDDEN), today)


def test_the_other_side():
    assert other_side(Side.OFFER) == Side.REQUEST
    assert other_side("request") == Side.OFFER
