"""The staff unmet-demand page reads what the latest clearing run stored (matching.services),
and its figures are those the engine's rule gives on the open listings of then."""

import csv
import io

import pytest
from sqlalchemy import func, select

from exchange.clock import today_wib
from exchange.extensions import db
from exchange.listings.models import Side
from exchange.matching import queries as matching
from exchange.matching.models import RunIdleOffer, RunPartnerFlow, RunUnmetRequest
from exchange.matching.reach import reach
from exchange.matching.services import run_clearing
from tests.factories import make_listing, make_manager, make_staff

pytestmark = pytest.mark.clocks  # date-sensitive: also from each moment of CLOCKS


def _market():
    seller, buyer, other = (make_manager(c).pesantren for c in ("3529", "3528", "3526"))
    make_listing(seller, price=1200, quantity=500)
    dear = make_listing(buyer, side=Side.REQUEST, price=1000, quantity=300)  # below the price
    rice = make_listing(other, side=Side.REQUEST, slug="beras", price=14000, quantity=80)
    return dear.id, rice.id


def test_the_page_shows_the_latest_runs_unmet_requests_and_when_they_were_computed(
    app, client, auth
):
    with app.app_context():
        dear, rice = _market()
        email = make_staff().email
    auth.login(email)
    html = client.get("/staf/dasbor/permintaan").get_data(as_text=True)
    assert "Belum ada pencocokan" in html and f"/staf/listing/{dear}" not in html
    with app.app_context():
        run_clearing()
    html = client.get("/staf/dasbor/permintaan").get_data(as_text=True)
    assert "Dihitung pada pencocokan terakhir" in html
    section = html[html.index('id="connections"') :] if 'id="connections"' in html else html
    assert str(dear) in section and str(rice) in section
    assert "harga" in section and "tidak ada penawaran" in section
    rows = {r[0]: r for r in _csv_rows(client.get("/staf/dasbor/ekspor/connections.csv"))}
    assert rows[str(dear)][4] == "300"  # the unmet quantity
    rice_only = _csv_rows(client.get("/staf/dasbor/ekspor/connections.csv?komoditas=beras"))
    assert [r[0] for r in rice_only] == [str(rice)]


def _csv_rows(response) -> list[list[str]]:
    """The data rows of a CSV download (UTF-8 with BOM, ``;``), without the header."""
    text = response.get_data(as_text=True).lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text), delimiter=";"))[1:]


def test_stored_figures_equal_the_rule_on_the_open_listings(app):
    with app.app_context():
        _market()
        run = run_clearing()
        market = matching.load_market(today_wib())
        live = reach(market.instance, market.requests, market.offers)
        stored = db.session.execute(
            select(RunUnmetRequest.request_id, RunUnmetRequest.unmet, RunUnmetRequest.blocked_by)
            .where(RunUnmetRequest.run_id == run.id)
            .order_by(RunUnmetRequest.request_id)
        ).all()
        assert [tuple(r) for r in stored] == sorted(
            (g.request_id, g.unmet, g.blocked_by) for g in live.gaps
        )
        idle = dict(db.session.execute(select(RunIdleOffer.offer_id, RunIdleOffer.quantity)).all())
        assert idle == live.idle
        # A later run replaces the by-products: only the latest run's rows are kept.
        again = run_clearing()
        for model in (RunUnmetRequest, RunIdleOffer, RunPartnerFlow):
            runs = db.session.scalars(select(func.distinct(model.run_id))).all()
            assert set(runs) <= {again.id}


def test_the_page_starts_short_and_shows_more_on_request_while_the_csv_is_whole(app, client, auth):
    with app.app_context():
        buyer = make_manager("3528").pesantren
        ids = [
            make_listing(buyer, side=Side.REQUEST, price=1000, quantity=100 + n).id
            for n in range(25)
        ]
        run_clearing()
        email = make_staff().email
    auth.login(email)

    def shown(html):
        section = html[html.index('id="connections"') :]
        section = section[: section.index("</section>")]
        return [i for i in ids if f'/staf/listing/{i}"' in section], section

    first, section = shown(client.get("/staf/dasbor/permintaan").get_data(as_text=True))
    assert len(first) == 10  # the 10 most unmet: quantity 115..124 (issue 27: a phone's page)
    assert set(first) == set(ids[15:])
    assert "Menampilkan 10 dari 25 baris" in section
    assert "baris=50" in section and "Tampilkan lebih banyak" in section
    more, section = shown(client.get("/staf/dasbor/permintaan?baris=50").get_data(as_text=True))
    assert sorted(more) == ids and "Tampilkan lebih banyak" not in section
    csv = client.get("/staf/dasbor/ekspor/connections.csv").get_data(as_text=True)
    assert all(f"{i};" in csv for i in ids)
