"""Posting, editing and withdrawing through the web pages, as a manager would."""

import re

from sqlalchemy import select

from exchange.extensions import db
from exchange.listings.models import Listing
from exchange.pesantren.models import PesantrenStatus
from tests.factories import make_listing, make_manager, make_staff
from tests.listings.helpers import count_listings, form_data


def login_manager(app, auth, **kw):
    with app.app_context():
        manager = make_manager(**kw)
        email, pesantren_id = manager.email, manager.pesantren_id
    auth.login(email)
    return pesantren_id


def test_manager_posts_an_offer_and_sees_it(app, client, auth):
    login_manager(app, auth)
    form = client.get("/listing/baru?side=offer", follow_redirects=True)
    assert form.status_code == 200
    assert 'name="client_token"' in form.text and "K1" in form.text
    response = client.post("/listing/baru?side=offer", data=form_data(), follow_redirects=True)
    assert response.status_code == 200
    assert "Listing Anda sudah tayang di pasar." in response.text
    assert "Rp\u00a01.400/kg" in response.text
    assert "5.000 kg" in response.text
    with app.app_context():
        assert count_listings() == 1


def test_a_double_submit_over_http_makes_one_listing(app, client, auth):
    login_manager(app, auth)
    first = client.post("/listing/baru?side=request", data=form_data(n=7))
    second = client.post("/listing/baru?side=request", data=form_data(n=7))
    assert first.headers["Location"] == second.headers["Location"]
    with app.app_context():
        assert count_listings() == 1


def test_errors_show_next_to_their_fields_and_keep_what_was_typed(app, client, auth):
    login_manager(app, auth)
    data = form_data(
        quantity="banyak",
        price="99.000.000.000",
        grade="Premium A",
        window_end="2020-01-01",
        max_distance_km="-5",
        note="<script>alert(1)</script>",
        akad=["istisna"],
    )
    response = client.post("/listing/baru?side=request", data=data)
    assert response.status_code == 400
    text = response.text
    assert "Isi dengan bilangan bulat" in text
    assert 'value="banyak"' in text
    assert "Harga terlalu tinggi: paling banyak Rp 1.000.000.000" in text
    assert 'value="99.000.000.000"' in text
    assert "Pilih salah satu mutu komoditas ini: K1, K2, K3." in text
    assert "Tanggal akhir tidak boleh sebelum tanggal mulai." in text
    assert "Jarak harus lebih dari nol." in text
    assert "istishna" in text
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    # each message sits inside its own field's block
    block = re.search(
        r'<div class="field has-error">\s*<label for="quantity">.*?</div>', text, re.S
    )
    assert block and "bilangan bulat" in block.group(0)
    with app.app_context():
        assert count_listings() == 0


def test_note_is_shown_escaped_on_the_listing_page(app, client, auth):
    login_manager(app, auth)
    response = client.post(
        "/listing/baru?side=offer", data=form_data(note="<b>murah</b>"), follow_redirects=True
    )
    assert "&lt;b&gt;murah&lt;/b&gt;" in response.text


def test_the_form_carries_csrf_and_refuses_without_it(app, client, auth):
    login_manager(app, auth)
    app.config["WTF_CSRF_ENABLED"] = True  # after signing in; the app fixture restores it
    page = client.get("/listing/baru?side=offer", follow_redirects=True)
    assert 'name="csrf_token"' in page.text
    assert client.post("/listing/baru?side=offer", data=form_data()).status_code == 400
    with app.app_context():
        assert count_listings() == 0


def test_visitors_are_sent_to_login_and_staff_cannot_post(app, client, auth):
    response = client.get("/listing/baru?side=offer")
    assert response.status_code == 302 and "/akun/masuk" in response.headers["Location"]
    with app.app_context():
        staff = make_staff().email
    auth.login(staff)
    assert client.get("/listing/baru?side=offer").status_code == 403
    assert client.post("/listing/baru?side=offer", data=form_data()).status_code == 403
    assert client.get("/listing/saya").status_code == 404
    with app.app_context():
        assert count_listings() == 0


def test_a_pending_pesantren_is_told_to_wait_for_verification(app, client, auth):
    login_manager(app, auth, status=PesantrenStatus.PENDING)
    response = client.post("/listing/baru?side=offer", data=form_data())
    assert response.status_code == 403
    assert "belum terverifikasi" in response.text
    assert "belum terverifikasi" in client.get("/listing/saya").text


def test_another_pesantrens_listing_cannot_be_edited_or_withdrawn(app, client, auth):
    with app.app_context():
        listing_id = make_listing(make_manager().pesantren).id
    login_manager(app, auth)
    assert client.get(f"/listing/{listing_id}/ubah").status_code == 404
    assert client.post(f"/listing/{listing_id}/ubah", data=form_data()).status_code == 404
    assert client.post(f"/listing/{listing_id}/tarik").status_code == 404
    with app.app_context():
        assert db.session.get(Listing, listing_id).status == "active"


def test_edit_then_withdraw_from_my_listings(app, client, auth):
    login_manager(app, auth)
    client.post("/listing/baru?side=offer", data=form_data())
    with app.app_context():
        listing_id = db.session.scalar(select(Listing.id))
    edit = client.get(f"/listing/{listing_id}/ubah")
    assert 'value="1400"' in edit.text
    response = client.post(
        f"/listing/{listing_id}/ubah", data=form_data(price="1.550"), follow_redirects=True
    )
    assert "Perubahan disimpan." in response.text and "Rp\u00a01.550/kg" in response.text
    mine = client.get("/listing/saya")
    assert "Sisa 5.000 / 5.000 kg" in mine.text and "Aktif" in mine.text
    client.post(f"/listing/{listing_id}/tarik")
    mine = client.get("/listing/saya")
    assert "Ditarik" in mine.text
    assert listing_id not in [
        int(x) for x in re.findall(r"/pasar/(\d+)", client.get("/pasar").text)
    ]


def test_contact_details_for_signed_in_users_only(app, client, auth):
    with app.app_context():
        seller = make_manager()
        listing_id = make_listing(seller.pesantren).id
        phone = seller.pesantren.phone
    public = client.get(f"/pasar/{listing_id}")
    assert public.status_code == 200 and phone not in public.text
    assert "Kontak pesantren tampil setelah Anda masuk." in public.text
    login_manager(app, auth)
    assert phone in client.get(f"/pasar/{listing_id}").text


def test_an_expired_listing_shows_expired_at_once(app, client, auth):
    from datetime import timedelta

    from exchange.clock import today_wib

    with app.app_context():
        seller = make_manager()
        listing_id = make_listing(seller.pesantren, start=today_wib() - timedelta(10), days=2).id
        email = seller.email
    assert "Kedaluwarsa" in client.get(f"/pasar/{listing_id}").text
    auth.login(email)
    assert "Kedaluwarsa" in client.get("/listing/saya").text
    assert client.get("/pasar/999999").status_code == 404
