"""The market page's count stops at MARKET_COUNT_CAP and then says "more than", honestly."""

from exchange.clock import today_wib
from tests.factories import make_listing, make_pesantren
from tests.listings.test_market import ids


def _market(app, n: int) -> None:
    with app.app_context():
        app.config["PAGE_SIZE"] = 2
        app.config["MARKET_COUNT_CAP"] = 3
        p = make_pesantren()
        for i in range(n):
            make_listing(p, price=1000 + i, start=today_wib())


def test_past_the_cap_the_page_says_more_than_and_still_pages_on(app, client):
    _market(app, 7)
    first = client.get("/pasar?sort=price_asc")
    assert len(ids(first)) == 2
    assert "Lebih dari 3 listing ditemukan" in first.text
    assert "7 listing ditemukan" not in first.text
    assert "Halaman 1 dari lebih dari 1" in first.text
    assert "page=2" in first.text  # the next page is offered
    # Deeper than the cap the count reaches just past the page: the next one is still offered.
    third = client.get("/pasar?sort=price_asc&page=3")
    assert len(ids(third)) == 2
    assert "Halaman 3 dari lebih dari 3" in third.text
    assert "page=4" in third.text
    last = client.get("/pasar?sort=price_asc&page=4")
    assert len(ids(last)) == 1
    assert "7 listing ditemukan" in last.text  # the exact count once it is within reach
    assert "Halaman 4 dari 4" in last.text
    assert "page=5" not in last.text


def test_within_the_cap_the_count_is_exact(app, client):
    _market(app, 3)
    page = client.get("/pasar")
    assert "3 listing ditemukan" in page.text
    assert "Lebih dari" not in page.text
    assert "Halaman 1 dari 2" in page.text


def test_the_english_page_says_more_than(app, client):
    _market(app, 5)
    client.get("/bahasa/en")
    page = client.get("/pasar")
    assert "More than 3 listings found" in page.text
    assert "Page 1 of more than 1" in page.text
