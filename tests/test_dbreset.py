"""The between-tests reset (tests/dbreset.py) leaves what the full reset left: every table but the
reference tables empty, the reference rows as first loaded, and ids starting again at 1."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from exchange.catalogue.models import Commodity
from exchange.extensions import db
from exchange.listings import versions
from exchange.listings.models import Side
from exchange.matching.models import Proposal
from exchange.matching.services import run_clearing
from exchange.pesantren.models import Pesantren, Regency
from tests import factories
from tests.conftest import reset_database
from tests.dbreset import REFERENCE_TABLES


def _counts() -> dict[str, int]:
    return {
        t.name: db.session.scalar(select(func.count()).select_from(t))
        for t in db.metadata.sorted_tables
    }


def _reference_rows():
    tables = (Regency.__table__, Commodity.__table__)
    return [
        [tuple(r) for r in db.session.execute(select(t).order_by(*t.primary_key.columns))]
        for t in tables
    ]


def _a_new_commodity() -> dict:
    salt = db.session.scalar(select(Commodity).where(Commodity.slug == "garam_krosok"))
    columns = [c.key for c in Commodity.__table__.columns if not c.primary_key]
    return {**{c: getattr(salt, c) for c in columns}, "slug": "garam_baru"}


def _a_proposal_naming(deal) -> None:
    seller = factories.make_pesantren(regency_code="3529")
    buyer = factories.make_pesantren(regency_code="3578")
    factories.make_listing(seller, quantity=100, price=1500)
    factories.make_listing(buyer, side=Side.REQUEST, quantity=100, price=2500)
    run_clearing()
    proposal = db.session.scalars(select(Proposal)).first()
    proposal.deal_id = deal.id
    db.session.commit()


def test_the_reset_empties_what_a_test_wrote_and_restores_the_reference_rows(app):
    with app.app_context():
        before = _counts()
        reference = _reference_rows()
        assert before["regencies"] == 38 and before["commodities"] > 0
        assert before["market_version"] == 1  # its one row, made with the table
        kept = (*REFERENCE_TABLES, "market_version")
        assert all(n == 0 for name, n in before.items() if name not in kept)
        version = versions.current()

        deal = factories.make_deal()  # pesantren, users, listings, a deal and its moves
        _a_proposal_naming(deal)  # proposals.deal_id -> deals -> proposals: a cycle
        rice = db.session.scalar(select(Commodity).where(Commodity.slug == "beras"))
        rice.reference_price += 1000  # a staff edit of the catalogue
        db.session.scalar(select(Regency).where(Regency.code == "3578")).name = "Kota Pahlawan"
        db.session.add(factories.commodity("garam_krosok").__class__(**_a_new_commodity()))
        db.session.commit()
        written = {name for name, n in _counts().items() if n != before[name]}
        assert {"pesantren", "users", "listings", "deals", "proposals", "commodities"} <= written
        assert _reference_rows() != reference

        reset_database()

        assert _counts() == before
        assert _reference_rows() == reference
        assert versions.current().number != version.number  # no page kept under it is served


def test_ids_start_at_one_again_even_after_a_rolled_back_insert(app):
    with app.app_context():
        factories.make_pesantren()
        factories.make_pesantren()
        try:  # a failed insert moves a PostgreSQL sequence on though no row stays
            db.session.add(Pesantren(name=None))
            db.session.flush()
        except IntegrityError:
            db.session.rollback()

        reset_database()

        assert factories.make_pesantren().id == 1
