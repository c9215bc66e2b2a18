"""A listing's minimum quantity per deal ("minimal pembelian per transaksi") and its akad, as a
manager posts them and as the market and the listing page show them."""

import re

import pytest
from sqlalchemy.exc import IntegrityError

from exchange.clock import today_wib
from exchange.extensions import db
from exchange.listings import rules
from exchange.listings.models import Listing
from tests.factories import make_listing, make_manager, make_pesantren
from tests.listings.helpers import count_listings, form_data, salt_offer

pytestmark = pytest.mark.clocks  # date-sensitive: also from each moment of CLOCKS


def _login(app, auth):
    with app.app_context():
        manager = make_manager()
        email = manager.email
    auth.login(email)


def _problems(**kw):
    return {p.field: p.code for p in rules.check(salt_offer(**kw), _salt(), today_wib())}


def _salt():
    return rules.CommodityFacts("garam_krosok", ("K1", "K2", "K3"), True)


def test_the_minimum_is_optional_positive_and_not_above_the_quantity():
    assert "min_quantity" not in _problems()
    assert "min_quantity" not in _problems(min_quantity=5000)  # the whole lot in one deal
    assert _problems(min_quantity=0)["min_quantity"] == "positive"
    assert _problems(min_quantity=-3)["min_quantity"] == "positive"
    assert _problems(min_quantity=5001)["min_quantity"] == "min_quantity_max"


def test_a_manager_posts_a_minimum_written_the_indonesian_way(app, client, auth):
    _login(app, auth)
    page = client.get("/listing/baru?side=offer", follow_redirects=True)
    assert "Minimal pembelian per transaksi" in page.text
    done = client.post(
        "/listing/baru?side=offer",
        data=form_data(quantity="20.000", min_quantity="2.500"),
        follow_redirects=True,
    )
    assert done.status_code == 200
    assert re.search(r"Minimal pembelian per transaksi</dt><dd[^>]*>2\.500 kg", done.text)
    with app.app_context():
        listing = db.session.scalars(db.select(Listing)).one()
        assert (listing.quantity, listing.min_quantity) == (20000, 2500)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0", "Harus lebih dari nol."),
        ("-5", "Harus lebih dari nol."),
        ("6.000", "Minimal pembelian tidak boleh melebihi jumlah listing (5.000)."),
        ("dua ton", "Isi dengan bilangan bulat"),
    ],
)
def test_a_bad_minimum_is_refused_next_to_its_field(app, client, auth, typed, message):
    _login(app, auth)
    response = client.post("/listing/baru?side=offer", data=form_data(min_quantity=typed))
    assert response.status_code == 400
    field = re.search(
        r'<div class="field has-error">\s*<label for="min_quantity".*?</div>', response.text, re.S
    )
    assert field is not None and message in field.group(0)
    assert f'value="{typed}"' in field.group(0)  # what was typed stays
    with app.app_context():
        assert count_listings() == 0


def test_the_minimum_can_be_changed_and_cleared_by_an_edit(app, client, auth):
    with app.app_context():
        manager = make_manager()
        listing = make_listing(manager.pesantren, quantity=5000, min_quantity=1000)
        email, lid = manager.email, listing.id
    auth.login(email)
    edit = client.get(f"/listing/{lid}/ubah")
    assert 'name="min_quantity" type="text" value="1000"' in edit.text
    data = form_data(quantity="5000", min_quantity="", grade="K2")
    assert client.post(f"/listing/{lid}/ubah", data=data).status_code == 302
    with app.app_context():
        assert db.session.get(Listing, lid).min_quantity is None


def test_the_database_refuses_a_minimum_above_the_quantity(app):
    with app.app_context():
        p = make_pesantren()
        with pytest.raises(IntegrityError):
            make_listing(p, quantity=100, min_quantity=101)
        db.session.rollback()
        with pytest.raises(IntegrityError):
            make_listing(p, quantity=100, min_quantity=0)


def test_the_market_shows_the_minimum_and_the_akad_by_name(app, client):
    with app.app_context():
        p = make_pesantren()
        make_listing(p, quantity=20000, min_quantity=2500, akad=["tunai", "salam"])
    text = client.get("/pasar").text
    assert "Minimal pembelian per transaksi: 2.500 kg" in text
    assert "Akad: Jual Beli Tunai, Akad Salam" in text
    assert '["tunai"' not in text and "tunai, salam" not in text


def test_the_listing_page_names_its_akad_and_its_own_place(app, client):
    with app.app_context():
        p = make_pesantren()  # at its pesantren
        here = make_listing(p, akad=["tempo", "murabahah"])
        away = make_listing(p, lat=-7.2575, lon=112.7521)  # a warehouse in Surabaya
        here_id, away_id = here.id, away.id
    text = client.get(f"/pasar/{here_id}").text
    assert "Jual Beli Tempo, Akad Murabahah" in text
    assert "Lokasi barang" not in text
    away_page = client.get(f"/pasar/{away_id}").text
    # stored before places had names: in words near the regency seat, the point as a map link
    assert f"Lokasi listing #{away_id}, dekat Kota Surabaya" in away_page
    assert "-7.2575, 112.7521" not in away_page and "mlat=-7.25750" in away_page
