"""Opening a negotiation from a clearing run's proposal (deals.open with ?proposal=)."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from exchange.clock import today_wib
from exchange.deals import services
from exchange.deals.models import Deal
from exchange.errors import Conflict, NotFound
from exchange.extensions import db
from exchange.listings.models import Side
from exchange.matching import services as matching
from exchange.matching.models import Proposal
from tests.factories import deal_terms, make_listing, make_manager

pytestmark = pytest.mark.clocks  # date-sensitive: also from each moment of CLOCKS


def _proposal(app):
    """A seller's offer and a buyer's request, matched by a real clearing run."""
    with app.app_context():
        seller, buyer, stranger = make_manager("3529"), make_manager("3528"), make_manager("3526")
        offer = make_listing(seller.pesantren, quantity=300, price=1200)
        request = make_listing(buyer.pesantren, side=Side.REQUEST, quantity=200, price=2000)
        matching.run_clearing()
        proposal = db.session.scalars(select(Proposal)).one()
        assert (proposal.offer_id, proposal.request_id) == (offer.id, request.id)
        return {
            "seller": seller.email,
            "buyer": buyer.email,
            "stranger": stranger.email,
            "proposal": proposal.id,
            "quantity": proposal.quantity,
            "price": proposal.price,
            "offer": offer.id,
            "request": request.id,
        }


def _form(x, **kw):
    data = {
        "quantity": x["quantity"],
        "unit_price": x["price"],
        "grade": 2,
        "akad": "tunai",
        "handover_date": (today_wib() + timedelta(days=5)).isoformat(),
        "handover_place": "Gudang",
        "transport": "buyer",
    }
    return data | kw


def _deal_count():
    return db.session.scalar(select(func.count(Deal.id)))


def test_buyer_opens_a_negotiation_from_a_proposal(app, client, auth):
    x = _proposal(app)
    auth.login(x["buyer"])
    page = client.get(f"/kesepakatan/baru?proposal={x['proposal']}")
    assert page.status_code == 200
    assert f'value="{x["quantity"]}"' in page.text  # prefilled from the proposal
    assert f'value="{x["price"]}"' in page.text
    assert "Dari usulan" in page.text
    done = client.post(f"/kesepakatan/baru?proposal={x['proposal']}", data=_form(x))
    assert done.status_code == 302
    with app.app_context():
        deal = db.session.scalars(select(Deal)).one()
        proposal = db.session.get(Proposal, x["proposal"])
        assert (proposal.status, proposal.deal_id) == ("acted", deal.id)
        assert (deal.offer_id, deal.request_id, deal.proposal_id) == (
            x["offer"],
            x["request"],
            x["proposal"],
        )
        assert deal.whose_turn == "seller"
    # The proposal has left the dashboard, and a second open is refused with a reason.
    assert "Buka negosiasi" not in client.get("/dasbor").text
    again = client.post(f"/kesepakatan/baru?proposal={x['proposal']}", data=_form(x))
    assert again.status_code == 404 and "sudah ditindaklanjuti" in again.text
    with app.app_context():
        assert _deal_count() == 1


def test_seller_can_open_from_the_same_proposal(app, client, auth):
    x = _proposal(app)
    auth.login(x["seller"])
    page = client.get(f"/kesepakatan/baru?proposal={x['proposal']}")
    assert page.status_code == 200
    done = client.post(f"/kesepakatan/baru?proposal={x['proposal']}", data=_form(x))
    assert done.status_code == 302
    with app.app_context():
        deal = db.session.scalars(select(Deal)).one()
        assert deal.whose_turn == "buyer" and deal.request_id == x["request"]
        assert db.session.get(Proposal, x["proposal"]).status == "acted"


def test_a_stranger_gets_404_and_nothing_is_stored(app, client, auth):
    x = _proposal(app)
    auth.login(x["stranger"])
    assert client.get(f"/kesepakatan/baru?proposal={x['proposal']}").status_code == 404
    posted = client.post(f"/kesepakatan/baru?proposal={x['proposal']}", data=_form(x))
    assert posted.status_code == 404
    assert client.get("/kesepakatan/baru?proposal=999999").status_code == 404
    with app.app_context():
        assert _deal_count() == 0
        assert db.session.get(Proposal, x["proposal"]).status == "proposed"


def test_opening_twice_in_the_service_refuses_and_stores_nothing(app):
    x = _proposal(app)
    with app.app_context():
        from exchange.auth.models import User

        buyer = db.session.scalars(select(User).where(User.email == x["buyer"])).one()
        seller = db.session.scalars(select(User).where(User.email == x["seller"])).one()
        terms = deal_terms(quantity=x["quantity"], unit_price=x["price"])
        first = services.open_negotiation(
            buyer, x["offer"], x["request"], terms, proposal_id=x["proposal"]
        )
        # The other party, racing past the page's check, loses on the conditional update.
        with pytest.raises(Conflict) as refused:
            services.open_negotiation(
                seller, x["request"], x["offer"], terms, proposal_id=x["proposal"]
            )
        assert "sudah ditindaklanjuti" in str(refused.value.message)
        db.session.expire_all()
        assert _deal_count() == 1
        assert db.session.get(Proposal, x["proposal"]).deal_id == first.id
        with pytest.raises(NotFound):
            services.open_proposal(buyer, x["proposal"])
