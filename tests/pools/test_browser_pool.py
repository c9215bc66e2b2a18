"""The phone walk of a pool at 390 px in Chromium: a kitchen joins a pool near it, the seller
agrees from the clearing run's proposal, the kitchen signs its own contract, the seller ships
every share to the hub in one step and the kitchen signs the BAST of its own deal; the hub's
handover list shows every share. Nothing is wider than the phone. Screenshots in test-output/."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from exchange.deals import acceptance
from exchange.deals.models import Deal
from exchange.extensions import db
from exchange.matching import services as matching
from exchange.pools import services
from exchange.pools.models import Pool
from tests.browser import shot, sign_in
from tests.pools.helpers import kitchens, pool_input, seller_offer

pytestmark = [pytest.mark.browser, pytest.mark.shared_out]


def _fits(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"wider than the phone: {width}px"


def _out(page):
    page.context.clear_cookies()


def test_join_sign_and_hand_over_at_the_hub_on_a_phone(app, page, live_url, request):
    with app.app_context():
        seller, offer = seller_offer()
        a, b, c = kitchens()
        pool = services.open_pool(a, pool_input())
        services.join_pool(c, pool.id, 1000)
        emails = {"seller": seller.email, "b": b.email}
        pool_id, offer_id = pool.id, offer.id
        db.session.remove()

    sign_in(page, live_url, emails["b"])
    expect(page.locator("h1")).to_be_visible()
    page.goto(f"{live_url}/patungan")
    page.get_by_role("link", name=f"Patungan #{pool_id}: Beras").click()
    page.wait_for_url(f"**/patungan/{pool_id}")
    assert "Daftar anggota hanya terlihat oleh anggota" in page.content()
    page.fill("input[name=quantity]", "1.000")
    _fits(page)
    shot(page, request, "01-joining")
    page.get_by_role("button", name="Ikut patungan").click()
    expect(page.locator(".flash")).to_contain_text("Anda ikut patungan ini.")
    expect(page.locator("main")).to_contain_text("3.000 kg")
    _fits(page)
    shot(page, request, "02-joined-members-visible")
    _out(page)

    with app.app_context():
        matching.run_clearing()
        db.session.remove()
    sign_in(page, live_url, emails["seller"])
    expect(page.locator("h1")).to_be_visible()
    page.goto(f"{live_url}/patungan/{pool_id}")
    page.get_by_role("button", name="Setujui: satu kontrak per anggota").click()
    expect(page.locator(".flash")).to_contain_text("masing-masing menandatangani sendiri")
    _fits(page)
    shot(page, request, "03-seller-agreed-one-contract-each")
    _out(page)

    sign_in(page, live_url, emails["b"])
    expect(page.locator("h1")).to_be_visible()
    page.goto(f"{live_url}/patungan/{pool_id}")
    page.get_by_role("link", name="Kontrak bagian Anda").click()
    page.wait_for_url("**/kesepakatan/*")
    deal_url = page.url.split("#")[0]
    expect(page.locator("main")).to_contain_text("Gudang Puskopontren Sidoarjo")
    _fits(page)
    shot(page, request, "04-own-contract")
    page.get_by_role("button", name="Terima versi 1").first.click()
    expect(page.locator("main")).to_contain_text("Kontrak BP/")
    _fits(page)
    shot(page, request, "05-signed")
    _out(page)

    with app.app_context():  # the other two members sign their own contracts
        pool = db.session.get(Pool, pool_id)
        for member in pool.members:
            deal = db.session.get(Deal, member.deal_id)
            if deal.state == "negotiating":
                from tests.factories import manager_of

                acceptance.accept(manager_of(member.pesantren), deal.id, 1)
        total = (
            db.session.scalars(select(Deal).where(Deal.offer_id == offer_id).order_by(Deal.id))
            .first()
            .current_terms.total
        )
        db.session.remove()

    sign_in(page, live_url, emails["seller"])
    expect(page.locator("h1")).to_be_visible()
    page.goto(f"{live_url}/patungan/{pool_id}")
    page.get_by_role("button", name="Kirim semua bagian ke titik kumpul").click()
    expect(page.locator(".flash")).to_contain_text("3 bagian dikirim ke titik kumpul")
    expect(page.locator("table")).to_contain_text("Dikirim ke titik kumpul")
    _fits(page)
    shot(page, request, "06-driver-handover-list")
    _out(page)

    sign_in(page, live_url, emails["b"])
    expect(page.locator("h1")).to_be_visible()
    page.goto(deal_url)
    page.locator("summary", has_text="Catat pembayaran").click()
    page.fill("form[action*='/bayar'] input[name=amount]", str(total))
    page.locator("form[action*='/bayar'] button").click()
    expect(page.locator(".flash")).to_be_visible()
    page.fill("textarea[name=note]", "Diterima di titik kumpul, lengkap")
    page.get_by_role("button", name="Simpan BAST").first.click()
    expect(page.locator("main")).to_contain_text("BAST")
    page.goto(f"{live_url}/patungan/{pool_id}")
    expect(page.locator("table")).to_contain_text("Diterima, BAST ditandatangani")
    _fits(page)
    shot(page, request, "07-own-bast-in-the-hub-list")
