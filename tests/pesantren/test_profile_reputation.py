"""A pesantren's page shows its track record from deals and links to its reciprocal partners."""

from datetime import timedelta

from exchange.clock import today_wib
from exchange.deals import acceptance, fulfilment
from exchange.pesantren.views import answer_time
from tests.factories import make_deal, make_manager


def test_profile_shows_rating_completed_deals_answer_time_and_partners(app, client):
    with app.app_context():
        seller, buyer = make_manager(), make_manager(regency_code="3578")
        deal = make_deal(seller, buyer)
        acceptance.accept(seller, deal.id, 1)
        fulfilment.ship(seller, deal.id)
        fulfilment.receive(buyer, deal.id, 100, 2, today_wib(), paid_now=150_000)
        fulfilment.complete(seller, deal.id)
        fulfilment.rate(buyer, deal.id, 4, "Tepat waktu")
        seller_id, buyer_id = seller.pesantren_id, buyer.pesantren_id
    page = client.get(f"/pesantren/{seller_id}").text
    assert "Rekam jejak" in page
    assert "4,0 / 5" in page and "1 penilaian" in page
    assert "1 menit" in page  # the seller accepted at once
    assert f'href="/pesantren/{seller_id}/mitra"' in page
    other = client.get(f"/pesantren/{buyer_id}").text
    assert "belum ada penilaian" in other


def test_answer_time_in_words(app):
    cases = [
        (timedelta(seconds=5), "1 menit"),
        (timedelta(minutes=40), "40 menit"),
        (timedelta(hours=3, minutes=20), "3 jam 20 menit"),
        (timedelta(hours=2), "2 jam"),
        (timedelta(days=2, hours=4), "2 hari 4 jam"),
        (timedelta(days=1), "1 hari"),
    ]
    with app.test_request_context():
        assert answer_time(None) is None
        assert [answer_time(value) for value, _ in cases] == [words for _, words in cases]
