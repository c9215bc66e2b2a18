"""Opening a negotiation from a listing: first the akad (among those the listing accepts, each
said in plain words), then a form with only that akad's fields, server-rendered. A POST that
fills another akad's field is refused with a message naming it, never silently dropped."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from exchange.clock import today_wib
from exchange.deals.models import Deal
from exchange.extensions import db
from tests.factories import make_listing, make_manager

PAYMENT_FIELDS = ("payment_due_date", "schedule", "cost_price", "margin", "seller_owns")
FIELDS = {
    "tunai": set(),
    "tempo": {"payment_due_date"},
    "salam": set(),
    "istisna": {"schedule"},
    "murabahah": {"cost_price", "margin", "seller_owns"},
}
FOOD_AKAD = ["tunai", "tempo", "salam", "murabahah"]


@pytest.fixture
def market(app):
    """A salt offer accepting four akad, uniforms made to order (istisna'), and a buyer."""
    with app.app_context():
        seller, buyer = make_manager(), make_manager(regency_code="3578")
        salt = make_listing(seller.pesantren, akad=FOOD_AKAD, grade=2)
        uniforms = make_listing(seller.pesantren, slug="seragam", akad=["istisna"], grade=1)
        return buyer.email, salt.id, uniforms.id


def names(page: str) -> set[str]:
    return set(re.findall(r'name="([a-z_]+)"', page))


def test_without_an_akad_the_first_step_asks_which_one(client, auth, market):
    email, salt, _uniforms = market
    auth.login(email)
    page = client.get(f"/kesepakatan/baru?listing={salt}")
    assert page.status_code == 200
    assert "Pilih akad" in page.text
    assert not names(page.text) & {"quantity", "akad", *PAYMENT_FIELDS}  # no form yet
    for akad in FOOD_AKAD:
        assert f'href="/kesepakatan/baru?listing={salt}&amp;akad={akad}"' in page.text
    assert "istisna" not in page.text.split("Pilih akad")[1]  # not accepted by this listing
    assert "dibayar lunas pada saat yang sama" in page.text  # tunai, in plain words
    assert "membayar lunas saat akad" in page.text  # salam


@pytest.mark.parametrize("akad", sorted(FIELDS))
def test_the_form_shows_only_the_chosen_akads_fields(client, auth, market, akad):
    email, salt, uniforms = market
    listing = uniforms if akad == "istisna" else salt
    auth.login(email)
    page = client.get(f"/kesepakatan/baru?listing={listing}&akad={akad}")
    assert page.status_code == 200, page.text
    shown = names(page.text)
    assert {"quantity", "unit_price", "handover_date", "akad"} <= shown
    assert shown & set(PAYMENT_FIELDS) == FIELDS[akad], shown
    assert f'<input type="hidden" name="akad" value="{akad}">' in page.text
    assert "<select" not in page.text.split('name="akad"')[0].rsplit("<", 1)[-1]
    assert "<script" not in page.text.split("<main", 1)[-1].split("</main>")[0]


@pytest.mark.parametrize(
    "akad, foreign, value, label",
    [
        ("salam", "payment_due_date", "due", "Jatuh tempo pembayaran"),
        ("tunai", "cost_price", "1200", "Harga pokok per satuan"),
        ("tempo", "seller_owns", "y", "Penjual telah memiliki barang ini"),
        ("murabahah", "schedule", "stage", "Tahap pembayaran"),
    ],
)
def test_a_post_with_another_akads_field_is_refused_by_name(
    app, client, auth, market, akad, foreign, value, label
):
    email, salt, _uniforms = market
    auth.login(email)
    handover = today_wib() + timedelta(days=5)
    data = {
        "quantity": 50,
        "unit_price": 1500,
        "grade": 2,
        "akad": akad,
        "handover_date": handover.isoformat(),
        "handover_place": "Gudang",
        "transport": "seller",
        "payment_due_date": (handover + timedelta(days=30)).isoformat() if akad == "tempo" else "",
    }
    if akad == "murabahah":
        data.update(cost_price="1300", margin="200", seller_owns="y")
    data[foreign] = {
        "due": (handover + timedelta(days=30)).isoformat(),
        "stage": f"{handover.isoformat()} 75000",
    }.get(value, value)
    sent = client.post(f"/kesepakatan/baru?listing={salt}&akad={akad}", data=data)
    assert sent.status_code == 400
    assert label in sent.text and "tidak dipakai pada" in sent.text
    assert names(sent.text) & set(PAYMENT_FIELDS) == FIELDS[akad]  # still the chosen akad's form
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Deal)) == 0


def test_an_akad_the_listing_does_not_accept_is_said_and_the_choice_offered(client, auth, market):
    email, salt, _uniforms = market
    auth.login(email)
    page = client.get(f"/kesepakatan/baru?listing={salt}&akad=istisna")
    assert page.status_code == 400
    assert "tidak diterima oleh listing ini" in page.text and "Pilih akad" in page.text


def test_a_listing_with_one_akad_opens_its_form_at_once(client, auth, market):
    email, _salt, uniforms = market
    auth.login(email)
    page = client.get(f"/kesepakatan/baru?listing={uniforms}")
    assert page.status_code == 200
    assert names(page.text) & set(PAYMENT_FIELDS) == {"schedule"}
    assert "Ganti akad" not in page.text  # nothing else to choose
