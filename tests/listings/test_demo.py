from collections import Counter

import pytest
from sqlalchemy import select

from exchange.catalogue.models import Commodity
from exchange.demo import seed_demo
from exchange.extensions import db
from exchange.listings import queries
from exchange.listings.models import Listing

MADURA = {"3526", "3527", "3528", "3529"}


@pytest.mark.slow
def test_seed_demo_adds_a_few_hundred_realistic_listings(app):
    with app.app_context():
        seed_demo()
        listings = db.session.scalars(select(Listing)).all()
        assert 200 <= len(listings) <= 600
        by = Counter((x.side, x.commodity.slug) for x in listings)
        assert by[("request", "beras")] >= 20
        salt_offers = [
            x for x in listings if x.side == "offer" and x.commodity.slug == "garam_krosok"
        ]
        assert salt_offers and {x.pesantren.regency_code for x in salt_offers} <= MADURA | {
            "3512",
            "3513",
            "3523",
            "3524",
            "3525",
        }
        assert any(x.pesantren.regency_code in MADURA for x in salt_offers)
        for x in listings:
            ref = x.commodity.reference_price
            assert 0.85 * ref <= x.price <= 1.15 * ref, (x.commodity.slug, x.price)
            # istisna' only for a listing made to order, of goods that may be
            assert "istisna" not in x.akad or (x.made_to_order and x.commodity.made_to_order)
            assert x.pesantren.is_verified
        # every demo listing is open and reaches the matching engine
        assert len(queries.active_listings()) == len(listings)
        sugar = db.session.scalar(select(Commodity).where(Commodity.slug == "gula_pasir"))
        assert any(x.commodity_id == sugar.id and x.side == "offer" for x in listings)
