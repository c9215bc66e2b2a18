"""The market page: filters, sort orders, pagination, distance, constant query count."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import event

from exchange.clock import today_wib
from exchange.extensions import db
from exchange.listings import queries
from exchange.pesantren.models import Pesantren
from tests.factories import make_listing, make_manager, make_pesantren

pytestmark = pytest.mark.clocks  # date-sensitive: also from each moment of CLOCKS


def ids(response) -> list[int]:
    assert response.status_code == 200
    return [int(x) for x in re.findall(r'href="/pasar/(\d+)"', response.text)]


@pytest.fixture
def market(app):
    """A small market: salt in Sumenep and Sampang, rice in Ngawi, a viewer in Pamekasan."""
    with app.app_context():
        today = today_wib()
        sumenep = make_pesantren(regency_code="3529")
        sampang = make_pesantren(regency_code="3527")
        ngawi = make_pesantren(regency_code="3521")
        viewer = make_manager("3528")
        m = {
            "salt_k1": make_listing(sumenep, price=1600, grade=3, start=today, days=10).id,
            "salt_k3": make_listing(sampang, price=1200, grade=1, start=today + timedelta(20)).id,
            "rice_req": make_listing(
                ngawi, side="request", slug="beras", price=13000, grade=1, start=today
            ).id,
            "old": make_listing(sumenep, start=today - timedelta(days=40), days=10).id,
            "gone": make_listing(sampang, status="withdrawn", start=today).id,
            "viewer": viewer.email,
        }
        return m


def test_the_market_shows_only_open_listings_with_their_facts(client, market):
    response = client.get("/pasar")
    assert sorted(ids(response)) == sorted(
        [market["salt_k1"], market["salt_k3"], market["rice_req"]]
    )
    assert "Rp\u00a01.600/kg" in response.text
    assert "Kab. Sumenep" in response.text
    assert "1.000 kg" in response.text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("side=request", ["rice_req"]),
        ("side=offer", ["salt_k3", "salt_k1"]),
        ("commodity=garam_krosok", ["salt_k3", "salt_k1"]),
        ("regency=3527", ["salt_k3"]),
        ("commodity=garam_krosok&grade=K1", ["salt_k1"]),
        ("commodity=garam_krosok&grade=K3", ["salt_k3", "salt_k1"]),
        ("price_min=1.300&price_max=2000", ["salt_k1"]),
        ("price_max=abc", ["rice_req", "salt_k3", "salt_k1"]),
        ("commodity=emas", []),
    ],
)
def test_filters(client, market, query, expected):
    assert ids(client.get("/pasar?" + query)) == [market[k] for k in expected]


def test_available_within_dates(client, market):
    today = today_wib()
    start, end = today + timedelta(days=15), today + timedelta(days=16)
    found = ids(client.get(f"/pasar?from={start}&to={end}"))
    assert market["salt_k1"] not in found  # over after 10 days
    assert market["salt_k3"] not in found  # starts after 20 days
    assert market["rice_req"] in found  # 30 days from today


def test_sort_orders(client, market):
    assert ids(client.get("/pasar?side=offer&sort=price_asc")) == [
        market["salt_k3"],
        market["salt_k1"],
    ]
    assert ids(client.get("/pasar?side=offer&sort=price_desc")) == [
        market["salt_k1"],
        market["salt_k3"],
    ]
    # newest first is the default
    assert ids(client.get("/pasar"))[0] == market["rice_req"]


def test_distance_from_my_pesantren_sort_and_filter(client, auth, market):
    auth.login(market["viewer"])  # Pamekasan: Sampang ~35 km, Sumenep ~58 km, Ngawi ~340 km
    response = client.get("/pasar?sort=distance")
    assert ids(response) == [market["salt_k3"], market["salt_k1"], market["rice_req"]]
    assert re.search(r"\b\d{2} km", response.text)
    assert ids(client.get("/pasar?sort=distance&km=45")) == [market["salt_k3"]]
    assert ids(client.get("/pasar?sort=distance&km=100")) == [market["salt_k3"], market["salt_k1"]]


def test_visitors_get_no_distance_filter(client, market):
    assert len(ids(client.get("/pasar?km=5&sort=distance"))) == 3


def test_pagination(app, client):
    with app.app_context():
        app.config["PAGE_SIZE"] = 4
        p = make_pesantren()
        for i in range(6):
            make_listing(p, price=1000 + i, start=today_wib())
    first = client.get("/pasar?sort=price_asc")
    assert len(ids(first)) == 4
    assert "Halaman 1 dari 2" in first.text
    assert len(ids(client.get("/pasar?sort=price_asc&page=2"))) == 2


def _count_queries(app, client, url) -> int:
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements)


def test_queries_per_page_stay_constant(app, client, auth):
    """No N+1: 5 listings and 50 listings cost the same number of statements."""
    with app.app_context():
        app.config["PAGE_SIZE"] = 100
        viewer = make_manager("3528")
        sellers = [make_pesantren(regency_code=c) for c in ("3529", "3527", "3521", "3509", "3511")]
        email, seller_ids = viewer.email, [s.id for s in sellers]
        for i in range(5):
            make_listing(sellers[i % 5], start=today_wib())
    auth.login(email)
    url = "/pasar?sort=distance&km=500"
    few = _count_queries(app, client, url)
    with app.app_context():
        sellers = [db.session.get(Pesantren, i) for i in seller_ids]
        for i in range(45):
            make_listing(sellers[i % 5], slug=("garam_krosok", "gula_pasir")[i % 2], grade=1)
    many = _count_queries(app, client, url)
    assert few == many
    assert few <= 8


def test_active_listings_for_the_matching_engine(app):
    with app.app_context():
        today = today_wib()
        p = make_pesantren()
        open_ = make_listing(p, start=today)
        make_listing(p, start=today - timedelta(days=40), days=10)
        make_listing(p, status="withdrawn", start=today)
        request = make_listing(
            p, side="request", start=today, max_distance_km=150.0, min_quantity=250
        )
        found = queries.active_listings()
        assert [x.id for x in found] == [open_.id, request.id]
        row = queries.instance_row(request)
        assert row["max_distance_km"] == 150.0
        # Format 2: the accepted akad in order, the listing's own place, the minimum.
        assert (row["akad"], row["min_quantity"]) == (["tunai", "tempo"], 250)
        assert (row["lat"], row["lon"]) == (p.lat, p.lon)
        assert set(queries.instance_row(open_)) == {
            "id",
            "side",
            "pesantren",
            "commodity",
            "grade",
            "quantity",
            "price",
            "window",
            "akad",
            "lat",
            "lon",
        }
