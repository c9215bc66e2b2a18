"""Trade units converted to the commodity's unit, and the HET/HAP reference price: shown on
the form, a warning (never a refusal) far above or below it."""

import pytest
from sqlalchemy import select

from exchange.extensions import db
from exchange.listings.models import Listing
from exchange.listings.quantity import UnitProblem, to_commodity_unit
from exchange.listings.rules import price_warning
from tests.listings.helpers import form_data
from tests.listings.test_views import login_manager


@pytest.mark.parametrize(
    ("quantity", "unit", "base", "size", "expected"),
    [
        (20, "karung", "kg", 50, 1000),
        (20, "sak", "kg", 75, 1500),  # Sampang salt sacks are bigger: never a fixed 50 kg
        (3, "kuintal", "kg", None, 300),
        (2, "ton", "kg", None, 2000),
        (5, "kodi", "lembar", None, 100),
        (2, "lusin", "stel", None, 24),
        (10, "tray", "kg", None, 18),
        (4, "ekor", "kg", 350, 1400),
        (7, "kg", "kg", None, 7),
    ],
)
def test_trade_units_convert_to_the_commodity_unit(quantity, unit, base, size, expected):
    assert to_commodity_unit(quantity, unit, base, size) == expected


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ((2, "kodi", "kg"), "unit_mismatch"),
        ((2, "karung", "kg"), "size_required"),
        ((3, "tray", "kg"), "not_whole"),
        ((1, "jeriken", "kg", 18), "unit_mismatch"),
    ],
)
def test_impossible_conversions_name_the_reason(args, code):
    with pytest.raises(UnitProblem) as problem:
        to_commodity_unit(*args)
    assert problem.value.code == code


def test_price_warning_thresholds():
    assert price_warning(13_500, 13_500) is None
    assert price_warning(16_200, 13_500) is None  # exactly 20 % above
    assert price_warning(16_201, 13_500) == "price_high"
    assert price_warning(6_749, 13_500) == "price_low"


def test_an_offer_in_karung_is_stored_in_kg_and_keeps_the_sack_size(app, client, auth):
    login_manager(app, auth)
    page = client.get("/listing/baru?side=offer", follow_redirects=True).text
    assert "karung" in page and "HET/HAP Rp" in page
    resp = client.post(
        "/listing/baru?side=offer",
        data=form_data(quantity="20", trade_unit="karung", unit_size="50"),
    )
    assert resp.status_code == 302
    with app.app_context():
        listing = db.session.scalar(select(Listing))
        assert listing.quantity == 1000 and "20 karung @ 50 kg" in listing.note
    bad = client.post(
        "/listing/baru?side=offer", data=form_data(quantity="20", trade_unit="karung", n=2)
    )
    assert bad.status_code == 400 and "dalam satu karung" in bad.text


def test_a_price_far_above_the_reference_is_saved_with_a_warning(app, client, auth):
    login_manager(app, auth)
    resp = client.post(
        "/listing/baru?side=offer", data=form_data(price="9000"), follow_redirects=True
    )
    assert "Listing Anda sudah tayang di pasar." in resp.text
    assert "di atas harga acuan" in resp.text


def test_trade_unit_prices_convert_to_the_commodity_unit():
    from exchange.listings.quantity import to_commodity_price

    assert to_commodity_price(90_000, "karung", "kg", 50) == 1_800
    assert to_commodity_price(1_400, "", "kg") == 1_400
    assert to_commodity_price(1_400, "kg", "kg") == 1_400
    assert to_commodity_price(100_000, "sak", "kg", 75) == 1_333  # whole rupiah, rounded
    assert to_commodity_price(240_000, "kodi", "lembar") == 12_000


def test_a_price_per_karung_is_stored_per_kg_and_the_page_says_both(app, client, auth):
    login_manager(app, auth)
    page = client.get("/listing/baru?side=offer", follow_redirects=True).text
    assert "per satuan dagang" in page
    resp = client.post(
        "/listing/baru?side=offer",
        data=form_data(quantity="20", trade_unit="karung", unit_size="50", price="90.000"),
        follow_redirects=True,
    )
    assert "Listing Anda sudah tayang di pasar." in resp.text
    with app.app_context():
        listing = db.session.scalar(select(Listing))
        assert listing.quantity == 1000 and listing.price == 1_800
        note = listing.note.replace("\u00a0", " ")
        assert "Rp 90.000/karung" in note and "Rp 1.800/kg" in note
    text = resp.text.replace("\u00a0", " ").replace("&nbsp;", " ")
    assert "Rp 90.000 per karung" in text and "Rp 1.800 per kg" in text


def test_het_warns_at_the_ceiling_of_the_grade_itself():
    from exchange.listings.rules import price_ceiling

    # Kepbadan 299/2025, Zona I: medium Rp 13.500/kg, premium Rp 14.900/kg
    assert price_ceiling("beras", "Premium", 13_500) == 14_900
    assert price_ceiling("beras", "Medium 2", 13_500) == 13_500
    assert price_ceiling("garam_krosok", "K1", 1_100) == 1_100
    assert price_warning(13_500, 13_500, ceiling=True) is None
    assert price_warning(13_501, 13_500, ceiling=True) == "above_ceiling"
    assert price_warning(14_000, 14_900, ceiling=True) is None
    assert price_warning(6_000, 13_500, ceiling=True) == "price_low"


@pytest.mark.parametrize(
    ("grade", "price", "warned"),
    [("Medium 1", "13.600", True), ("Premium", "14.500", False), ("Premium", "15.000", True)],
)
def test_a_rice_offer_above_its_grade_het_is_warned(app, client, auth, grade, price, warned):
    login_manager(app, auth)
    resp = client.post(
        "/listing/baru?side=offer",
        data=form_data(
            commodity="beras", grade=grade, price=price, halal_cert="ID35110001325901022"
        ),
        follow_redirects=True,
    )
    assert "Listing Anda sudah tayang di pasar." in resp.text
    assert ("di atas HET/HAP" in resp.text) is warned
