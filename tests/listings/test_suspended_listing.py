"""A suspended pesantren's listing is closed everywhere (issue 24): the staff overview does not
count it, its page offers no suggestions and no negotiation, a negotiation cannot be opened on
it (page or service) and the engine leaves it out."""

from __future__ import annotations

import pytest

from exchange.clock import today_wib
from exchange.dashboard import queries as dashboard
from exchange.dashboard.filters import Filters
from exchange.deals import services as deals
from exchange.errors import DomainError
from exchange.extensions import db
from exchange.matching import queries as engine_view
from exchange.pesantren.models import Pesantren, PesantrenStatus
from tests.factories import deal_terms, make_listing, make_manager, make_staff

pytestmark = pytest.mark.clocks  # date-sensitive: also from each moment of CLOCKS


@pytest.fixture
def suspended(app):
    """An offer posted by a verified manager, whose pesantren staff then suspend; another
    manager (verified) and a staff member."""
    with app.app_context():
        seller, buyer, staff = make_manager(), make_manager(regency_code="3578"), make_staff()
        listing_id = make_listing(seller.pesantren, start=today_wib()).id
        db.session.get(Pesantren, seller.pesantren_id).status = PesantrenStatus.SUSPENDED
        db.session.commit()
        return {
            "listing": listing_id,
            "buyer": buyer.email,
            "staff": staff.email,
            "buyer_id": buyer.id,
        }


def test_the_staff_overview_does_not_count_it(app, suspended):
    with app.app_context():
        today = today_wib()
        fig = dashboard.figures(Filters(start=today.replace(day=1), end=today), today)
    assert (fig.open_offers, fig.open_offer_quantity, fig.open_offer_value) == (0, 0, 0)


def test_its_page_links_to_no_suggestions_and_offers_no_negotiation(client, auth, suspended):
    listing_id = suspended["listing"]
    for who in (None, suspended["buyer"], suspended["staff"]):
        if who:
            auth.login(who)
        page = client.get(f"/pasar/{listing_id}")
        assert page.status_code in (200, 404)
        assert f"/pasar/{listing_id}/saran" not in page.text
        assert "/kesepakatan/baru" not in page.text
        assert client.get(f"/pasar/{listing_id}/saran").status_code == 404
        if who:
            auth.logout()


def test_no_negotiation_page_opens_on_it(client, auth, suspended):
    auth.login(suspended["buyer"])
    page = client.get(f"/kesepakatan/baru?listing={suspended['listing']}")
    assert page.status_code in (400, 404, 409)


def test_the_service_refuses_to_open_a_negotiation_on_it(app, suspended):
    from exchange.auth.models import User

    with app.app_context():
        buyer = db.session.get(User, suspended["buyer_id"])
        with pytest.raises(DomainError):
            deals.open_negotiation(buyer, suspended["listing"], terms=deal_terms())


def test_the_engine_leaves_it_out(app, suspended):
    with app.app_context():
        ids = {x.id for x in engine_view.load_instance(today_wib()).listings}
    assert str(suspended["listing"]) not in ids
