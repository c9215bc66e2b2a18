"""From an offer to a completed, rated deal with one counter-offer, in Chromium."""

import pytest

from exchange.extensions import db
from tests.browser import shot, sign_in
from tests.factories import make_listing, make_manager

pytestmark = [pytest.mark.browser, pytest.mark.shared_out]


def _logout(page):
    page.context.clear_cookies()


def _press(page, label):
    page.get_by_role("button", name=label).first.click()


def test_offer_to_rated_deal_with_a_counter_offer(app, page, live_url, request):
    with app.app_context():
        seller = make_manager(name="Pengurus Al-Amien")
        buyer = make_manager(regency_code="3578", name="Pengurus Darul Ulum")
        offer = make_listing(seller.pesantren, quantity=500, price=1500)
        seller_email, buyer_email, offer_id = seller.email, buyer.email, offer.id
        db.session.remove()

    sign_in(page, live_url, buyer_email)
    page.goto(f"{live_url}/kesepakatan/baru?listing={offer_id}")
    page.get_by_role("link", name="Jual Beli Tunai").click()  # the choose-akad step
    page.fill("input[name=quantity]", "200")
    page.fill("textarea[name=message]", "Mohon dikirim ke gudang kami")
    shot(page, request, "01-open")
    _press(page, "Ajukan")
    assert "menunggu jawaban" in page.content()
    deal_url = page.url.split("#")[0]
    _logout(page)

    sign_in(page, live_url, seller_email)
    page.goto(deal_url)
    page.locator("summary", has_text="Tawaran balik").click()
    page.fill("form[action*='/tawar'] input[name=unit_price]", "1600")
    page.fill("form[action*='/tawar'] textarea[name=message]", "Harga naik sedikit")
    _press(page, "Kirim tawaran balik")
    shot(page, request, "02-countered")
    assert page.locator("td.changed").count() >= 2  # unit price and total
    _logout(page)

    sign_in(page, live_url, buyer_email)
    page.goto(live_url + "/kesepakatan/")
    assert "Menunggu Anda" in page.content()
    page.goto(deal_url)
    _press(page, "Terima versi 2")
    assert "Kontrak BP/" in page.content()
    shot(page, request, "03-signed")
    _logout(page)

    sign_in(page, live_url, seller_email)
    page.goto(deal_url)
    _press(page, "Tandai dikirim")
    _logout(page)

    sign_in(page, live_url, buyer_email)
    page.goto(deal_url)
    page.locator("summary", has_text="Catat pembayaran").click()
    page.fill("form[action*='/bayar'] input[name=amount]", "320000")
    page.locator("form[action*='/bayar'] button").click()
    page.fill("textarea[name=note]", "Diterima lengkap, mutu sesuai")
    _press(page, "Simpan BAST")
    shot(page, request, "04-received")
    _logout(page)

    sign_in(page, live_url, seller_email)
    page.goto(deal_url)
    _press(page, "Selesaikan")
    page.check("input[name=score][value='5']")
    page.fill("textarea[name=comment]", "Pembayaran tepat waktu")
    _press(page, "Beri penilaian")
    assert "Selesai" in page.content()
    shot(page, request, "05-completed-rated")

    page.goto(deal_url + "/kontrak")
    page.emulate_media(media="print")
    assert page.locator("header.top").is_hidden()
    assert "tiga ratus dua puluh ribu rupiah" in page.content()
    shot(page, request, "06-contract-printed")
