import re

from sqlalchemy import func, select

from exchange.deals.models import Bundle
from exchange.extensions import db
from tests.factories import deal_terms, make_deal, make_manager


def _pair(app):
    """A sells salt to B (Rp 150.000), B sells sugar to A (Rp 120.000), A sells B more salt
    (same direction) and A sells to a third pesantren C. Salt and sugar are ribawi foodstuffs
    of one class: both legs are cash sales handed over the same day."""
    with app.app_context():
        a, b, c = make_manager(), make_manager(regency_code="3578"), make_manager("3509")
        first = make_deal(a, b)
        back = make_deal(
            b, a, slug="gula_pasir", price=15000, terms=deal_terms(quantity=8, unit_price=15000)
        )
        same_way = make_deal(a, b, terms=deal_terms(quantity=10))
        elsewhere = make_deal(a, c)
        return {
            "a": a.email,
            "b": b.email,
            "c": c.email,
            "b_name": b.pesantren.name,
            "first": first.id,
            "back": back.id,
            "same_way": same_way.id,
            "elsewhere": elsewhere.id,
        }


def _bundles(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Bundle.id)))


def _link(deal_id: int) -> str:
    return f'href="/kesepakatan/{deal_id}"'


def test_the_candidate_list_shows_only_reciprocal_deals(app, client, auth):
    d = _pair(app)
    auth.login(d["a"])
    page = client.get(f"/kesepakatan/{d['first']}").text
    assert "Ikat sebagai kesepakatan timbal balik" in page
    assert "bukan barter" in page
    assert _link(d["back"]) in page
    assert _link(d["same_way"]) not in page
    assert _link(d["elsewhere"]) not in page
    # the deal with the third pesantren has no candidate at all
    assert "Ikat sebagai" not in client.get(f"/kesepakatan/{d['elsewhere']}").text


def test_a_party_ties_two_reciprocal_deals_and_sees_the_settlement(app, client, auth):
    d = _pair(app)
    auth.login(d["a"])
    resp = client.post(f"/kesepakatan/{d['first']}/ikat", data={"other_deal_id": d["back"]})
    assert resp.status_code == 302 and resp.location.endswith(f"/kesepakatan/{d['first']}")
    assert _bundles(app) == 1
    page = client.get(f"/kesepakatan/{d['first']}").text
    assert "diikat sebagai kesepakatan timbal balik" in page
    assert "Paket timbal balik" in page
    assert f"<strong>{d['b_name']}</strong> membayar selisih" in page
    assert "30.000" in page  # 150.000 - 120.000
    assert "Ikat sebagai" not in page  # no more candidates once bundled
    # the other leg shows the same settlement to the other party
    auth.logout()
    auth.login(d["b"])
    other = client.get(f"/kesepakatan/{d['back']}").text
    assert "membayar selisih" in other and "30.000" in other


def test_a_stranger_gets_404_and_nothing_is_stored(app, client, auth):
    d = _pair(app)
    auth.login(d["c"])
    resp = client.post(f"/kesepakatan/{d['first']}/ikat", data={"other_deal_id": d["back"]})
    assert resp.status_code == 404
    assert _bundles(app) == 0


def test_deals_in_the_same_direction_are_refused_with_the_message(app, client, auth):
    d = _pair(app)
    auth.login(d["a"])
    resp = client.post(
        f"/kesepakatan/{d['first']}/ikat",
        data={"other_deal_id": d["same_way"]},
        follow_redirects=True,
    )
    assert resp.status_code == 200
    assert "harus berlawanan arah" in resp.text
    assert _bundles(app) == 0
    bad = client.post(f"/kesepakatan/{d['first']}/ikat", data={"other_deal_id": "x"})
    assert bad.status_code == 302 and _bundles(app) == 0


def test_the_bundle_form_carries_csrf(app, client, auth, csrf_on):
    d = _pair(app)
    html = client.get("/akun/masuk").text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    client.post(
        "/akun/masuk", data={"email": d["a"], "password": "rahasia-sekali-123", "csrf_token": token}
    )
    assert client.post(
        f"/kesepakatan/{d['first']}/ikat", data={"other_deal_id": d["back"]}
    ).status_code in (302, 400)
    assert _bundles(app) == 0
    page = client.get(f"/kesepakatan/{d['first']}").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post(
        f"/kesepakatan/{d['first']}/ikat", data={"other_deal_id": d["back"], "csrf_token": token}
    )
    assert _bundles(app) == 1
