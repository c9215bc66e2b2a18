"""DATABASE_REPLICA_URL pointed at a second real database whose contents differ from the
primary's (a copy, then one price changed): the listed reads answer from it, the pages a
manager reads right after a write and every write stay on the primary, and nothing is
written to the replica. Runs on SQLite (two files) and PostgreSQL (two databases)."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, func, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from exchange import create_app
from exchange.api.scopes import Scope
from exchange.api.tokens import create_token
from exchange.extensions import db
from exchange.listings.models import Listing, ListingStatus
from exchange.routing import replica_reads
from exchange.site.replica_reads import ANYONE, VISITORS
from tests.conftest import TEST_PASSWORD
from tests.factories import make_listing, make_manager, make_staff
from tests.pgcheck import ensure_database

PRIMARY_PRICE, REPLICA_PRICE = 1500, 7777


def _replica_url(primary: str, tmp_path) -> str:
    url = make_url(primary)
    if url.get_backend_name() == "postgresql":
        return url.set(database=f"{url.database}_replica").render_as_string(hide_password=False)
    return f"sqlite:///{tmp_path / 'replica.sqlite3'}"


def _clone(primary_engine, replica_url: str):
    """The primary's schema and rows, copied to the replica's database."""
    if replica_url.startswith("postgresql"):
        ensure_database(replica_url)
    engine = create_engine(replica_url, poolclass=NullPool)
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        db.metadata.create_all(conn)
    with primary_engine.connect() as source, engine.begin() as target:
        for table in reversed(db.metadata.sorted_tables):
            target.execute(table.delete())  # rows create_all seeds (the market version's)
        for table in db.metadata.sorted_tables:
            rows = [dict(r) for r in source.execute(table.select()).mappings()]
            if rows:
                target.execute(table.insert(), rows)
    return engine


def _snapshot(engine) -> dict:
    """Every table's row count, and the listings' prices: what a write would change."""
    with engine.connect() as conn:
        counts = {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar()
            for t in db.metadata.sorted_tables
        }
        prices = conn.execute(select(Listing.id, Listing.price).order_by(Listing.id)).all()
    return {"counts": counts, "prices": [tuple(p) for p in prices]}


@pytest.fixture
def world(app, database_url, tmp_path):
    """The primary holds a listing at 1500; the replica, a copy of it, shows 7777."""
    with app.app_context():
        owner = make_manager()
        listing = make_listing(owner.pesantren, price=PRIMARY_PRICE)
        staff = make_staff()
        _token, secret = create_token(owner, "replika", [Scope.READ, Scope.LISTINGS])
        db.session.commit()
        ids = {"listing": listing.id, "owner": owner.email, "staff": staff.email}
        replica_url = _replica_url(database_url, tmp_path)
        replica = _clone(db.engine, replica_url)
    with replica.begin() as conn:
        conn.execute(update(Listing).values(price=REPLICA_PRICE))
    routed = create_app(
        "testing",
        DATABASE_URL=database_url,
        DATABASE_REPLICA_URL=replica_url,
        WTF_CSRF_ENABLED=False,
        MAIL_FILE_DIR=str(tmp_path / "outbox"),
    )
    yield routed, replica, ids, secret
    with routed.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()
    replica.dispose()


def _login(client, email):
    response = client.post("/akun/masuk", data={"email": email, "password": TEST_PASSWORD})
    assert response.status_code == 302


def test_the_listed_reads_answer_from_the_replica(world):
    routed, replica, ids, secret = world
    before = _snapshot(replica)
    client = routed.test_client()
    # A visitor: the market, the listing page and the home page come from the replica.
    market = client.get("/pasar").get_data(as_text=True)
    assert "7.777" in market and "1.500" not in market
    detail = client.get(f"/pasar/{ids['listing']}").get_data(as_text=True)
    assert "7.777" in detail and "1.500" not in detail
    assert client.get("/").status_code == 200
    # The API's market list too (its token is checked on the primary).
    api = client.get("/api/v1/listings", headers={"Authorization": f"Bearer {secret}"})
    assert api.status_code == 200, api.get_data(as_text=True)
    assert [item["price"] for item in api.get_json()["items"]] == [REPLICA_PRICE]
    # One listing by the API is read after a write by integrators: the primary.
    one = client.get(
        f"/api/v1/listings/{ids['listing']}", headers={"Authorization": f"Bearer {secret}"}
    )
    assert one.get_json()["price"] == PRIMARY_PRICE
    # Staff figures: the dashboard reads the replica and answers.
    staff = routed.test_client()
    _login(staff, ids["staff"])
    assert staff.get("/staf/dasbor").status_code == 200
    assert staff.get("/staf/dasbor/arus").status_code == 200
    assert _snapshot(replica) == before


def test_a_manager_reads_the_primary_after_writing(world):
    routed, _replica, ids, _secret = world
    client = routed.test_client()
    _login(client, ids["owner"])
    # The listing page a manager is sent to after saving: never the lagging copy.
    detail = client.get(f"/pasar/{ids['listing']}").get_data(as_text=True)
    assert "1.500" in detail and "7.777" not in detail
    mine = client.get("/listing/saya").get_data(as_text=True)
    assert "1.500" in mine


def test_every_write_goes_to_the_primary(world, app):
    routed, replica, ids, secret = world
    before = _snapshot(replica)
    client = routed.test_client()
    _login(client, ids["owner"])
    # A page write: withdraw the listing.
    assert client.post(f"/listing/{ids['listing']}/tarik").status_code == 302
    with app.app_context():
        assert db.session.get(Listing, ids["listing"]).status == ListingStatus.WITHDRAWN
    # Inside replica_reads: reads come from the replica; UPDATE, SELECT FOR UPDATE and the
    # flush of a changed object go to the primary.
    with routed.app_context(), replica_reads():
        assert db.session.scalar(select(Listing.price)) == REPLICA_PRICE
        db.session.execute(update(Listing).values(price=1600))
        assert db.session.scalar(select(Listing.price).with_for_update()) == 1600
        listing = db.session.scalars(select(Listing)).one()  # loaded from the replica
        listing.quantity = 2000
        db.session.commit()
    with app.app_context():
        row = db.session.get(Listing, ids["listing"])
        assert (row.price, row.quantity) == (1600, 2000)
    after = _snapshot(replica)
    assert after == before  # sign-ins, throttles, audit rows, the withdrawal: none here
    assert after["prices"] == [(ids["listing"], REPLICA_PRICE)]


def test_the_lists_name_real_endpoints(world, app):
    routed, *_ = world
    assert set(routed.view_functions) >= (ANYONE | VISITORS)
    assert not ANYONE & VISITORS


def test_without_the_setting_nothing_moves(app, client):
    """No replica configured: ``replica_reads`` reads the primary (the default)."""
    with app.app_context():
        owner = make_manager()
        make_listing(owner.pesantren, price=PRIMARY_PRICE)
        with replica_reads():
            assert db.session.scalar(select(Listing.price)) == PRIMARY_PRICE
