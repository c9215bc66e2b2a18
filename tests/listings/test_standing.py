"""Kebutuhan rutin: a standing request posts itself each period; the clearing sees each."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from exchange import clock
from exchange.akad import Akad
from exchange.clock import today_wib
from exchange.extensions import db
from exchange.listings import standing
from exchange.listings.cadence import Cadence, due_period, kitchen_needs, next_start
from exchange.listings.models import Listing, Side
from exchange.listings.rules import ListingInput
from exchange.listings.standing_models import StandingRequest
from exchange.mail.models import OutboxMessage
from exchange.matching.models import Proposal
from exchange.matching.services import run_clearing
from tests.factories import make_listing, make_manager, make_staff


def _request(start: date, days: int = 7, **kw) -> ListingInput:
    return ListingInput(
        side=Side.REQUEST,
        commodity="beras",
        quantity=kw.get("quantity", 500),
        grade="Medium 3",
        price=13000,
        window_start=start,
        window_end=start + timedelta(days=days - 1),
        akad=(Akad.TUNAI, Akad.TEMPO),
    )


@pytest.mark.parametrize(
    "first", [datetime(2027, 3, 1, 8, 0), datetime(2027, 12, 27, 23, 30)], ids=str
)
def test_a_weekly_standing_request_posts_three_periods_and_the_engine_proposes_each(app, first):
    first = first.replace(tzinfo=clock.WIB)
    with app.test_request_context(), clock.frozen(first):
        buyer, seller = make_manager(), make_manager()
        make_listing(seller.pesantren, slug="beras", quantity=100_000, price=12_000, days=90)
        kept = standing.create_standing(buyer, _request(today_wib()), Cadence.WEEKLY)
        kept_id = kept.id
    requests = []
    for week in range(3):
        with app.test_request_context(), clock.frozen(first + timedelta(days=7 * week)):
            if week:
                assert standing.post_standing() == 1
                assert standing.post_standing() == 0  # a second run the same day: nothing
            posted = db.session.scalars(
                select(Listing).where(Listing.side == Side.REQUEST).order_by(Listing.id)
            ).all()
            assert len(posted) == week + 1
            request = posted[-1]
            assert request.window_start == today_wib()
            assert request.client_token == f"standing-{kept_id}-{today_wib().isoformat()}"
            assert (request.quantity, request.price) == (500, 13000)
            run_clearing()
            proposal = db.session.scalar(select(Proposal).where(Proposal.request_id == request.id))
            assert proposal is not None and proposal.quantity == 500
            requests.append(request.id)
    assert len(set(requests)) == 3
    with app.app_context():
        mails = db.session.scalars(select(OutboxMessage.subject)).all()
        assert sum("Kebutuhan rutin diposting" in s for s in mails) == 3


def test_skip_next_and_stop(app):
    start = datetime(2027, 5, 3, 9, 0, tzinfo=clock.WIB)
    with app.test_request_context():
        with clock.frozen(start):
            buyer = make_manager()
            kept = standing.create_standing(buyer, _request(today_wib()), Cadence.WEEKLY)
            assert standing.skip_next(buyer, kept.id) == date(2027, 5, 10)
        with clock.frozen(start + timedelta(days=7)):
            assert standing.post_standing() == 0
        with clock.frozen(start + timedelta(days=14)):
            assert standing.post_standing() == 1
            standing.stop_standing(buyer, kept.id)
        with clock.frozen(start + timedelta(days=21)):
            assert standing.post_standing() == 0
            assert db.session.scalar(select(db.func.count()).select_from(Listing)) == 2


def test_periods():
    assert next_start(date(2027, 1, 31), Cadence.MONTHLY) == date(2027, 2, 28)
    assert next_start(date(2027, 2, 28), Cadence.MONTHLY, 31) == date(2027, 3, 31)
    assert next_start(date(2027, 12, 15), Cadence.MONTHLY) == date(2028, 1, 15)
    assert next_start(date(2027, 12, 27), Cadence.BIWEEKLY) == date(2028, 1, 10)
    # a period whose window is over is passed over, never posted late
    period, following = due_period(date(2027, 1, 4), 3, Cadence.WEEKLY, date(2027, 1, 12))
    assert period.start == date(2027, 1, 11) and period.window_start == date(2027, 1, 12)
    assert following == date(2027, 1, 18)


def test_kitchen_needs_follow_domain_section_3():
    needs = {n.slug: n for n in kitchen_needs(2000, Decimal("1.0"), Cadence.MONTHLY)}
    assert needs["beras"].per_day == Decimal("500.00")  # 2,000 x 0.25 x 1.0
    assert needs["beras"].per_period == 15000  # about 15 t a month
    assert needs["garam_konsumsi"].per_period == 494  # 3 kg a person a year
    half = {n.slug: n for n in kitchen_needs(2000, Decimal("0.5"), Cadence.WEEKLY)}
    assert half["beras"].per_period == 1750


def test_pages_repeat_a_request_draft_kitchen_needs_and_show_staff_the_demand(app, client, auth):
    with app.test_request_context():
        buyer = make_manager(santri_count=2000)
        request = make_listing(buyer.pesantren, side=Side.REQUEST, slug="beras", days=6)
        email, request_id = buyer.email, request.id
        staff_email = make_staff().email
    auth.login(email)
    assert client.get("/listing/rutin").status_code == 200
    made = client.post(
        "/listing/rutin", data={"listing": str(request_id), "cadence": "weekly", "until": ""}
    )
    assert made.status_code == 302, made.data
    page = client.get("/listing/rutin").get_data(as_text=True)
    assert "setiap minggu" in page
    first = client.get("/listing/rutin/dapur")  # from the santri count: 57 % of 2,000 mukim
    assert first.status_code == 200 and 'name="qty_beras" value="8550"' in first.get_data(True)
    estimate = client.get("/listing/rutin/dapur?mukim=2000&share=1,0&cadence=monthly")
    text = estimate.get_data(as_text=True)
    assert 'name="qty_beras" value="15000"' in text  # 2,000 x 0.25 kg x 1.0 x 30 days
    with app.app_context():
        before = db.session.scalar(select(db.func.count()).select_from(StandingRequest))
    confirmed = client.post(
        "/listing/rutin/dapur?mukim=2000&share=1,0&cadence=monthly",
        data={"use_beras": "1", "qty_beras": "15000", "price_beras": "13000"},
    )
    assert confirmed.status_code == 302
    with app.app_context():
        after = db.session.scalars(select(StandingRequest).order_by(StandingRequest.id)).all()
        assert len(after) == before + 1 and after[-1].quantity == 15000
        assert after[-1].window_days == 28
    auth.logout()
    auth.login(staff_email)
    demand = client.get("/listing/rutin/staf").get_data(as_text=True)
    assert "Kabupaten Sumenep" in demand and "Beras" in demand


@pytest.mark.parametrize("listing", [" ", "abc", "1e3"])
def test_a_request_that_is_not_a_number_is_refused_on_the_form(app, client, auth, listing):
    """The fuzz test's find: a blank or odd choice answered 500; now the form says what to fix."""
    with app.test_request_context():
        buyer = make_manager()
        make_listing(buyer.pesantren, side=Side.REQUEST, slug="beras", days=6)  # the form shows
        email = buyer.email
    auth.login(email)
    answer = client.post("/listing/rutin", data={"listing": listing, "cadence": "weekly"})
    assert answer.status_code == 400  # the form again, with its message
    assert "Pilih salah satu permintaan Anda." in answer.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(StandingRequest)) == 0


def test_skipping_a_stopped_standing_request_is_told_on_the_page(app, client, auth):
    with app.test_request_context():
        buyer = make_manager()
        kept = standing.create_standing(buyer, _request(today_wib() + timedelta(days=1)), "weekly")
        standing.stop_standing(buyer, kept.id)
        email, kept_id = buyer.email, kept.id
    auth.login(email)
    refused = client.post(f"/listing/rutin/{kept_id}/lewati", follow_redirects=True)
    assert refused.status_code == 200  # a wrong-state refusal is a message, not an error page
    assert "Kebutuhan rutin ini sudah berhenti." in refused.get_data(as_text=True)
