"""The pool pages: open a pool, join it, the seller agrees from its proposal, ships to the hub;
who sees the member list."""

from datetime import timedelta

from sqlalchemy import select

from exchange.clock import today_wib
from exchange.extensions import db
from exchange.matching import services as matching
from exchange.matching.models import Proposal
from exchange.pools.models import Pool
from tests.factories import make_manager
from tests.pools.helpers import HUB, kitchens, seller_offer


def _open_form(**kw):
    start = today_wib() + timedelta(days=3)
    return {
        "goods": "beras|Medium 2",
        "quantity": "1.000",
        "price": "13.000",
        "window_start": start.isoformat(),
        "window_end": (start + timedelta(days=14)).isoformat(),
        "hub_address": "Gudang Puskopontren Sidoarjo",
        "hub_lat": str(HUB[0]),
        "hub_lon": str(HUB[1]),
        "max_distance_km": "25",
        "akad": ["tunai", "tempo"],
    } | kw


def test_open_join_agree_and_ship_through_the_pages(app, client, auth):
    with app.app_context():
        a, b = kitchens(2)
        seller, offer = seller_offer(quantity=2000, minimum=1500)
        stranger = make_manager("3529")  # Sumenep: far from the hub
        emails = [u.email for u in (a, b, seller, stranger)]
        offer_id = offer.id
    auth.login(emails[0])
    assert client.get("/patungan/baru").status_code == 200
    done = client.post("/patungan/baru", data=_open_form())
    assert done.status_code == 302
    with app.app_context():
        pool_id = db.session.scalars(select(Pool)).one().id
    url = f"/patungan/{pool_id}"
    refused = client.post("/patungan/baru", data=_open_form(hub_address=""))
    assert "alamat titik kumpul" in refused.text.lower()

    auth.logout()
    auth.login(emails[3])
    page = client.get(url).text
    assert "Daftar anggota hanya terlihat oleh anggota" in page
    assert "km dari titik kumpul" in page  # too far to join, and told why

    auth.logout()
    auth.login(emails[1])
    assert client.post(f"{url}/ikut", data={"quantity": "1.000"}).status_code == 302
    page = client.get(url).text
    assert "2.000 kg" in page and "Keluar dari patungan" in page

    with app.app_context():
        matching.run_clearing()
        proposal = db.session.scalars(select(Proposal)).one()
        proposal_id = proposal.id
    auth.logout()
    auth.login(emails[2])
    page = client.get(url).text
    assert "Setujui: satu kontrak per anggota" in page
    assert "Kirim semua" not in page
    client.post(f"{url}/setujui", data={"offer": offer_id, "proposal": proposal_id})
    page = client.get(url).text
    assert "Daftar serah terima di titik kumpul" in page
    assert page.count("Menunggu tanda tangan anggota") == 2
    # A normal negotiation on the pool's request is refused: it is agreed here.
    with app.app_context():
        listing_id = db.session.get(Pool, pool_id).listing_id
    assert listing_id


def test_a_stranger_does_not_see_a_matched_pool(app, client, auth):
    with app.app_context():
        from exchange.pools import services

        (a,) = kitchens(1)
        seller, offer = seller_offer(quantity=1000, minimum=None)
        from tests.pools.helpers import pool_input

        pool = services.open_pool(a, pool_input())
        services.agree(seller, pool.id, offer.id)
        stranger = make_manager("3515")
        email, pool_id = stranger.email, pool.id
    auth.login(email)
    assert client.get(f"/patungan/{pool_id}").status_code == 404


def test_a_member_turns_its_share_into_a_request_after_closing(app, client, auth):
    with app.app_context():
        from exchange.pools import services
        from tests.pools.helpers import pool_input

        a, b = kitchens(2)
        pool = services.open_pool(a, pool_input())
        services.join_pool(b, pool.id, 600)
        services.close_unmatched(pool.window_start)
        email, pool_id = b.email, pool.id
    auth.login(email)
    page = client.get(f"/patungan/{pool_id}").text
    assert "Jadikan permintaan sendiri" in page
    done = client.post(f"/patungan/{pool_id}/jadikan-permintaan")
    assert done.status_code == 302 and "/pasar/" in done.headers["Location"]
    assert "Permintaan Anda dari bagian ini" in client.get(f"/patungan/{pool_id}").text
