"""The printable contract and the staff dispute page on a phone (390 px): no sideways scroll."""

from __future__ import annotations

from exchange.extensions import db
from tests.browser import shot, sign_in
from tests.deals.test_disputes import disputed
from tests.deals.test_documents import paid_and_handed_over, signed_deal

SCROLL_WIDTH = "() => [document.documentElement.scrollWidth, window.innerWidth]"


def _fits(page) -> bool:
    scroll, inner = page.evaluate(SCROLL_WIDTH)
    return scroll <= inner


def test_printable_documents_fit_a_phone(app, live_url, page, request):
    with app.app_context():
        _s, buyer, deal_id = signed_deal("istisna")
        _s2, buyer2, handed = paid_and_handed_over()
        urls = [
            f"/kesepakatan/{handed.id}/kontrak",
            f"/kesepakatan/{handed.id}/bast/{handed.delivery.id}",
            f"/kesepakatan/{handed.id}/kuitansi/{handed.payments[0].id}",
        ]
        email, email2 = buyer.email, buyer2.email
        db.session.remove()
    sign_in(page, live_url, email)
    page.goto(f"{live_url}/kesepakatan/{deal_id}/kontrak")
    assert page.locator("h1").inner_text() == "KONTRAK JUAL BELI"
    assert page.locator(".meterai").count() == 2
    shot(page, request, "contract-istisna")
    assert _fits(page), "the printable contract scrolls sideways at 390 px"
    page.context.clear_cookies()
    sign_in(page, live_url, email2)
    for name, url in zip(("contract", "bast", "kuitansi"), urls, strict=True):
        page.goto(live_url + url)
        shot(page, request, name)
        assert _fits(page), f"{name} scrolls sideways at 390 px"


def test_staff_dispute_page_fits_a_phone(app, live_url, page, request):
    with app.app_context():
        _seller, _buyer, staff, deal_id, _ = disputed()
        email = staff.email
    sign_in(page, live_url, email)
    page.goto(f"{live_url}/kesepakatan/sengketa")
    page.click(f"a[href='/kesepakatan/sengketa/{deal_id}']")
    page.click("text=Batalkan dengan pengembalian dana")
    shot(page, request, "dispute")
    assert _fits(page)
