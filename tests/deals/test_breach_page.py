"""Issue 25: the deal page shows a breached ribawi bundle (``breach_at``) with its remedy."""

from datetime import timedelta

from exchange.clock import today_wib
from exchange.deals import acceptance, fulfilment, queries, reciprocal
from exchange.extensions import db
from tests.factories import deal_terms, make_deal, make_listing, make_manager
from tests.security.world import signed_in


def _breached():
    a, b = make_manager(), make_manager(regency_code="3578")
    today = today_wib()
    rice = make_listing(a.pesantren, slug="beras", quantity=2000, price=12_000, grade=2)
    salt = make_listing(b.pesantren, quantity=2000, price=1500)
    rice_terms = deal_terms(quantity=1000, unit_price=12_000, handover_date=today)
    leg_a = make_deal(a, b, offer=rice, terms=rice_terms).id
    leg_b = make_deal(b, a, offer=salt, terms=deal_terms(quantity=800, handover_date=today)).id
    acceptance.accept(a, leg_a, 1)
    acceptance.accept(b, leg_b, 1)
    reciprocal.tie_bundle(a, leg_a, leg_b)
    reciprocal.settle_bundle(b, leg_a, today)
    fulfilment.ship(a, leg_a, "")
    fulfilment.receive(b, leg_a, 1000, 2, today, "")
    bundle = queries.bundle_of(leg_a)
    bundle.settled_at = bundle.settled_at - timedelta(days=1)
    db.session.commit()
    fulfilment.ship(b, leg_b, "")
    fulfilment.receive(a, leg_b, 800, 2, today, "datang terlambat sehari")
    assert queries.bundle_of(leg_a).breach_at is not None
    return a.email, b.email, leg_a


def test_the_deal_page_shows_the_breach_and_the_remedy_button(app):
    with app.app_context():
        a_email, b_email, leg_a = _breached()
    page = signed_in(app, a_email).get(f"/kesepakatan/{leg_a}").get_data(as_text=True)
    assert "tidak diserahkan dalam satu majelis" in page
    assert f'action="/kesepakatan/{leg_a}/paket/lepas"' in page
    assert "Batalkan pertukaran" in page
