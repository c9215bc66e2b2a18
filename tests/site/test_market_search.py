"""Keyword search on the market (ranked, the same on SQLite and PostgreSQL), and bad filters
that say so instead of a silent "0 listing"."""

import re

from tests.factories import make_listing, make_pesantren


def ids(response) -> list[int]:
    assert response.status_code == 200
    return [int(x) for x in re.findall(r'href="/pasar/(\d+)"', response.text)]


def _market(app):
    with app.app_context():
        sumenep = make_pesantren(regency_code="3529", name="Pondok Pesantren Al-Amien Prenduan")
        ngawi = make_pesantren(regency_code="3521", name="Pondok Pesantren Garam Jaya")
        surabaya = make_pesantren(regency_code="3578", name="Pondok Pesantren Kota")
        return {
            "salt": make_listing(sumenep, slug="garam_krosok").id,
            "named": make_listing(ngawi, slug="beras", side="request").id,
            "noted": make_listing(surabaya, slug="gula_pasir", note="bisa ditukar garam 100%").id,
            "sugar": make_listing(surabaya, slug="gula_pasir").id,
        }


def test_keywords_rank_commodity_before_pesantren_before_note(app, client):
    m = _market(app)
    found = ids(client.get("/pasar?q=garam"))
    assert found == [m["salt"], m["named"], m["noted"]]  # commodity > pesantren name > note


def test_every_word_must_be_found_and_regencies_count(app, client):
    m = _market(app)
    assert ids(client.get("/pasar?q=garam+sumenep")) == [m["salt"]]
    assert ids(client.get("/pasar?q=Surabaya")) and m["salt"] not in ids(
        client.get("/pasar?q=Surabaya")
    )
    assert ids(client.get("/pasar?q=raw+solar+sea+salt")) == [m["salt"]]  # the English name


def test_wildcards_are_plain_characters(app, client):
    m = _market(app)
    assert ids(client.get("/pasar?q=100%25")) == [m["noted"]]
    assert ids(client.get("/pasar?q=%25")) == [m["noted"]]
    assert ids(client.get("/pasar?q=_")) == []


def test_a_bad_filter_value_is_named_not_silently_empty(app, client):
    m = _market(app)
    page = client.get("/pasar?price_min=murah&from=kemarin")
    assert page.status_code == 200
    assert "“Harga dari” tidak dipakai" in page.text and "murah" in page.text
    assert "“Tersedia dari” tidak dipakai" in page.text
    assert set(ids(page)) == set(m.values())  # the bad values are left out, not "0 listing"
    unknown = client.get("/pasar?commodity=kopi_luwak")
    assert ids(unknown) == [] and "“kopi_luwak” tidak ada di katalog" in unknown.text
