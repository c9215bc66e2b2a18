"""The deal list and the manager dashboard read a constant number of queries, however many deals
the pesantren has: the deals come as rows of one query (deals/rows.py), with what the facts read."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event

from exchange.clock import today_wib
from exchange.deals import acceptance, fulfilment
from exchange.extensions import db
from tests.factories import deal_terms, make_deal, make_listing, make_manager


def _world(app, n: int) -> str:
    """``n`` deals of one seller with several buyers: most negotiating (they wait on the seller),
    every fifth signed and partly paid."""
    with app.app_context():
        seller = make_manager()
        buyers = [make_manager(regency_code="3578") for _ in range(3)]
        for i in range(n):
            buyer = buyers[i % len(buyers)]
            offer = make_listing(seller.pesantren, quantity=1000)
            deal = make_deal(
                seller,
                buyer,
                offer=offer,
                terms=deal_terms(akad="tempo", payment_due_date=today_wib() + timedelta(days=30)),
            )
            if i % 5 == 0:
                acceptance.accept(seller, deal.id, deal.terms_version)
                fulfilment.record_payment(buyer, deal.id, 1000, today_wib())
        return seller.email


def _queries(app, client, url: str) -> int:
    with app.app_context():
        engine = db.engine
    seen: list[str] = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        page = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert page.status_code == 200
    return len(seen)


def _counts(app, client, auth, n: int) -> dict[str, int]:
    auth.login(_world(app, n))
    return {url: _queries(app, client, url) for url in ("/kesepakatan/", "/dasbor")}


@pytest.mark.slow
def test_the_deal_list_and_dashboard_do_not_query_per_deal(app, client, auth):
    few = _counts(app, client, auth, 5)
    auth.logout()
    many = _counts(app, client, auth, 50)
    assert many == few, (few, many)
    # The list: the user, the deals as rows (one query), the navigation's unread count. The
    # dashboard: the user with the pesantren, the proposals, the latest run (no run: no
    # partners), the waiting deals as rows, the unread count (once for page and navigation).
    assert few == {"/kesepakatan/": 3, "/dasbor": 5}, few
