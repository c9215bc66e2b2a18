"""contract_facts follows the deals as the services change them: after each use case the
rows kept up to date in the same transaction equal the rows rebuilt from the deals, terms and
contracts, and the staff figures read from them are the contracts' own."""

from datetime import date

from sqlalchemy import select

from exchange.dashboard import queries
from exchange.dashboard.facts import rebuild
from exchange.dashboard.filters import Filters
from exchange.dashboard.models import ContractFact
from exchange.deals import fulfilment, services
from exchange.extensions import db
from tests.factories import deal_terms, make_deal, make_listing, make_manager

COLUMNS = list(ContractFact.__table__.columns)


def _rows():
    db.session.expire_all()
    return sorted(tuple(r) for r in db.session.execute(select(*COLUMNS)))


def _equal_to_a_rebuild():
    kept = _rows()
    rebuild(db.session)
    assert _rows() == kept
    db.session.rollback()
    return kept


def test_facts_follow_signing_moves_and_a_regency_change(app):
    with app.app_context():
        seller, buyer = make_manager(), make_manager(regency_code="3578")
        offer = make_listing(seller.pesantren, quantity=500, akad=["tunai", "tempo"])
        deal = make_deal(seller, buyer, offer=offer, terms=deal_terms(quantity=100))
        assert _equal_to_a_rebuild() == []  # negotiating: no contract yet
        services.accept(seller, deal.id, 1)
        (row,) = _equal_to_a_rebuild()
        fulfilment.ship(seller, deal.id, "Truk berangkat")
        (shipped,) = _equal_to_a_rebuild()
        assert row[7] == "signed" and shipped[7] == "shipped"
        other = make_deal(seller, buyer, offer=offer, terms=deal_terms(quantity=50))
        services.accept(seller, other.id, 1)
        assert len(_equal_to_a_rebuild()) == 2
        buyer.pesantren.regency_code = "3507"  # the buyer moved to Malang
        db.session.commit()
        assert {r[6] for r in _equal_to_a_rebuild()} == {"3507"}
        today = date.today()
        f = Filters(today, today, regency_code="3507")
        fig = queries.figures(f, today)
        assert fig.signed == 2 and fig.signed_volume == 150
        assert queries.figures(Filters(today, today, regency_code="3578"), today).signed == 0
