"""Issue 25: kliring explains the refund that follows when a deal it set off is cancelled, and
the cancelled deal's page says where that refund comes from."""

from exchange.deals import fulfilment
from exchange.deals.models import Deal
from exchange.extensions import db
from exchange.netting import services
from tests.netting.helpers import triangle

REFUND = "jumlah yang sudah diperhitungkan itu dikembalikan penjual kepada pembeli"


def test_the_run_page_explains_the_refund_after_a_cancellation(app, client, auth):
    with app.app_context():
        (a, _b, _c), _deals = triangle()
        run = services.start_run(None)
        auth.login(a)
        page = client.get(f"/kliring/{run.id}").get_data(as_text=True)
    assert REFUND in page


def test_a_cancelled_deal_that_was_set_off_says_the_refund_follows(app, client, auth):
    with app.app_context():
        (a, b, c), (ab, _bc, _ca) = triangle()
        run = services.start_run(None)
        for party in (a, b, c):
            services.confirm(party, run.id)
        ab_id = ab if isinstance(ab, int) else ab.id
        deal = db.session.get(Deal, ab_id)
        assert any(p.method == "setoff" for p in deal.payments)
        seller = a if deal.seller_pesantren_id == a.pesantren_id else b
        buyer = b if seller is a else a
        fulfilment.request_cancel(buyer, ab_id, "batal")
        fulfilment.agree_cancel(seller, ab_id, "setuju")
        auth.login(seller)
        page = client.get(f"/kesepakatan/{ab_id}").get_data(as_text=True)
    assert "diperhitungkan lewat kliring" in page and REFUND in page
