"""The state columns are typed by the vocabularies' enums: read back as members, guarded by CHECK
constraints generated from the enums; a negotiation and its proposal are linked by foreign keys."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from exchange.deals.models import Deal
from exchange.deals.states import Side, State
from exchange.extensions import db
from exchange.listings.models import Listing, ListingStatus
from tests.factories import make_deal


def test_a_deal_reads_back_enum_members(app):
    with app.app_context():
        deal_id = make_deal().id
        db.session.expire_all()
        deal = db.session.get(Deal, deal_id)
        assert deal.state is State.NEGOTIATING and deal.whose_turn is Side.SELLER
        assert db.session.get(Listing, deal.offer_id).status is ListingStatus.ACTIVE


@pytest.mark.parametrize(
    ("table", "column"),
    [("deals", "state"), ("deals", "whose_turn"), ("listings", "status"), ("listings", "side")],
)
def test_the_database_refuses_a_value_outside_the_vocabulary(app, table, column):
    with app.app_context():
        make_deal()
        with pytest.raises(IntegrityError):
            db.session.execute(text(f"UPDATE {table} SET {column} = 'bogus'"))  # noqa: S608
        db.session.rollback()


def test_a_deal_cannot_point_at_a_proposal_that_does_not_exist(app):
    with app.app_context():
        deal_id = make_deal().id
        db.session.remove()
        # One connection of its own: SQLite checks foreign keys only when asked, per connection,
        # and the pooled connections must stay as the rest of the suite expects them.
        with db.engine.connect() as conn:
            sqlite = conn.dialect.name == "sqlite"
            if sqlite:
                conn.exec_driver_sql("PRAGMA foreign_keys = ON")
            try:
                with pytest.raises(IntegrityError):
                    conn.execute(
                        text("UPDATE deals SET proposal_id = 999999 WHERE id = :id"),
                        {"id": deal_id},
                    )
            finally:
                conn.rollback()
                if sqlite:
                    conn.exec_driver_sql("PRAGMA foreign_keys = OFF")
