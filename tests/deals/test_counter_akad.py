"""The counter-offer form on a deal page shows only the fields of its akad (server-rendered);
another akad the listings accept is one link away and comes without the old akad's payment
terms; a POST that fills another akad's field is refused with a message naming it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from exchange.clock import today_wib
from exchange.deals.models import TermsVersion
from exchange.extensions import db
from tests.factories import deal_terms, make_deal, make_listing, make_manager

PAYMENT_FIELDS = {"payment_due_date", "schedule", "cost_price", "margin", "seller_owns"}


@pytest.fixture
def tempo_deal(app):
    """A tempo negotiation on a salt offer accepting tunai, tempo and murabahah."""
    with app.app_context():
        seller, buyer = make_manager(), make_manager(regency_code="3578")
        offer = make_listing(seller.pesantren, akad=["tunai", "tempo", "murabahah"], grade=2)
        due = today_wib() + timedelta(days=30)
        deal = make_deal(
            seller, buyer, offer=offer, terms=deal_terms(akad="tempo", payment_due_date=due)
        )
        return seller.email, deal.id


def counter_form(page: str) -> str:
    start = page.index('id="tawaran-balik"')
    return page[start : page.index("</form>", start)]


def names(html: str) -> set[str]:
    return set(re.findall(r'name="([a-z_]+)"', html))


def test_the_counter_form_shows_only_its_akads_fields(client, auth, tempo_deal):
    email, deal_id = tempo_deal
    auth.login(email)
    page = client.get(f"/kesepakatan/{deal_id}")
    form = counter_form(page.text)
    assert names(form) & PAYMENT_FIELDS == {"payment_due_date"}
    assert 'name="akad" value="tempo"' in form  # the akad travels hidden, no select
    assert f'href="/kesepakatan/{deal_id}?akad=murabahah#tawaran-balik"' in form
    assert f'href="/kesepakatan/{deal_id}?akad=tunai#tawaran-balik"' in form


def test_another_akad_comes_with_its_own_fields_and_without_the_old_payment_terms(
    client, auth, tempo_deal
):
    email, deal_id = tempo_deal
    auth.login(email)
    page = client.get(f"/kesepakatan/{deal_id}?akad=murabahah")
    form = counter_form(page.text)
    assert names(form) & PAYMENT_FIELDS == {"cost_price", "margin", "seller_owns"}
    assert 'name="akad" value="murabahah"' in form
    assert re.search(r"<details[^>]* open[^>]*>\s*<summary>Tawaran balik", page.text)
    # an akad the listing does not accept falls back to the current one
    page = client.get(f"/kesepakatan/{deal_id}?akad=salam")
    assert 'name="akad" value="tempo"' in counter_form(page.text)


def test_a_counter_filling_another_akads_field_is_refused_by_name(app, client, auth, tempo_deal):
    email, deal_id = tempo_deal
    auth.login(email)
    data = {
        "quantity": "50",
        "unit_price": "1.500",
        "grade": "2",
        "akad": "tunai",
        "handover_date": (today_wib() + timedelta(days=5)).isoformat(),
        "handover_place": "Gudang",
        "transport": "seller",
        "payment_due_date": (today_wib() + timedelta(days=20)).isoformat(),
        "version": "1",
    }
    page = client.post(f"/kesepakatan/{deal_id}/tawar", data=data)
    assert page.status_code == 400
    assert "tidak dipakai pada" in page.text and "Jatuh tempo pembayaran" in page.text
    with app.app_context():
        versions = db.session.scalars(select(TermsVersion).where(TermsVersion.deal_id == deal_id))
        assert len(list(versions)) == 1  # nothing stored
    del data["payment_due_date"]
    assert client.post(f"/kesepakatan/{deal_id}/tawar", data=data).status_code == 302
