"""The jobs, run by hand through the CLI, and the times the scheduler gives them (WIB)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from exchange.clock import WIB
from exchange.db import utcnow
from exchange.deals.models import Deal
from exchange.deals.states import State
from exchange.extensions import db
from exchange.listings.models import Listing, ListingStatus, Side
from exchange.mail.models import OutboxMessage, OutboxStatus
from exchange.matching.models import MatchRun, Proposal, ProposalStatus
from exchange.scheduler.runner import _in_app, build_scheduler, job_table
from tests.factories import commodity, make_deal, make_listing, make_manager

pytestmark = pytest.mark.clocks  # date-sensitive: also from each moment of CLOCKS


def run(runner, *args):
    result = runner.invoke(args=["exchange", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_expire_marks_listings_past_their_window(app, runner):
    with app.app_context():
        p = make_manager().pesantren
        ended = make_listing(p, start=date(2027, 1, 1), days=8)  # ends 9 Jan
        today = make_listing(p, start=date(2027, 1, 1), days=9)  # ends 10 Jan
        withdrawn = make_listing(p, start=date(2027, 1, 1), days=3, status="withdrawn")
        ids = ended.id, today.id, withdrawn.id
    out = run(runner, "expire", "--now", "2027-01-10T07:00+07:00")
    assert "listings expired=1" in out
    with app.app_context():
        statuses = [db.session.get(Listing, i).status for i in ids]
    assert statuses == [ListingStatus.EXPIRED, ListingStatus.ACTIVE, ListingStatus.WITHDRAWN]
    assert "listings expired=0" in run(runner, "expire", "--now", "2027-01-10T08:00+07:00")


def test_send_digests_by_hand_once_per_period(app, runner):
    with app.app_context():
        user = make_manager()
        make_listing(user.pesantren, start=date(2027, 1, 1), days=5)
    now = "2027-01-04T06:00+07:00"
    out = run(runner, "send-digests", "--period", "daily", "--now", now)
    assert "queued=1 empty=0 skipped=0" in out
    assert "sent=1" in out  # delivered by the files backend
    assert "queued=0" in run(runner, "send-digests", "--period", "daily", "--now", now)


def test_send_digests_refuses_an_unknown_period(runner):
    result = runner.invoke(args=["exchange", "send-digests", "--period", "hourly"])
    assert result.exit_code != 0
    assert "hourly" in result.output


def test_run_clearing_by_hand_stores_a_run_and_its_proposals(app, runner):
    with app.app_context():
        seller = make_manager("3529").pesantren
        buyer = make_manager("3528").pesantren
        make_listing(seller, quantity=500, price=1200)
        make_listing(buyer, side=Side.REQUEST, quantity=200, price=2000)
        seller_id, buyer_id = seller.id, buyer.id
    out = run(runner, "run-clearing")
    assert "listings=2 proposals=1" in out
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(MatchRun)) == 1
        (proposal,) = db.session.scalars(select(Proposal)).all()
        assert (proposal.seller_pesantren_id, proposal.buyer_pesantren_id) == (seller_id, buyer_id)
        assert proposal.quantity == 200 and proposal.status == ProposalStatus.PROPOSED


def test_expire_closes_negotiations_left_unanswered(app, runner):
    with app.app_context():
        deal_id = make_deal().id
        days = app.config["NEGOTIATION_EXPIRY_DAYS"]
    soon = (utcnow() + timedelta(days=days - 1)).isoformat()
    assert "moves expired=0" in run(runner, "expire", "--now", soon)
    late = (utcnow() + timedelta(days=days + 1)).isoformat()
    assert "moves expired=1" in run(runner, "expire", "--now", late)
    with app.app_context():
        assert db.session.get(Deal, deal_id).state == State.EXPIRED


def reminders_to(address):
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.to_address == address)
            .where(OutboxMessage.dedupe_key.like("reminder:%"))
        )
    )


def test_reminders_go_once_a_day_to_the_side_the_deal_waits_on(app, runner):
    with app.app_context():
        seller, buyer = make_manager(), make_manager("3578")
        seller.locale = "en"
        db.session.commit()
        deal = make_deal(seller=seller, buyer=buyer)
        deal_id, seller_mail, buyer_mail = deal.id, seller.email, buyer.email
        seller_id = seller.id
    assert "reminders=1" in run(runner, "send-reminders", "--now", "2027-01-04T07:00+07:00")
    assert "reminders=0" in run(runner, "send-reminders", "--now", "2027-01-04T09:00+07:00")
    with app.app_context():
        (mail,) = reminders_to(seller_mail)
        assert mail.dedupe_key == f"reminder:2027-01-04:{seller_id}"
        assert commodity("garam_krosok").name_en in mail.text_body  # the reader reads English
        assert f"/kesepakatan/{deal_id}" in mail.text_body
        assert mail.status == OutboxStatus.SENT  # delivered by the files backend
        assert reminders_to(buyer_mail) == []  # the negotiation waits on the seller only
    assert "reminders=1" in run(runner, "send-reminders", "--now", "2027-01-05T07:00+07:00")


def test_job_times_are_jakarta_times(app):
    table = {job_id: trigger for job_id, _fn, trigger, _args in job_table(app)}
    tuesday_noon = datetime(2027, 1, 5, 12, 0, tzinfo=WIB)
    fire = {k: t.get_next_fire_time(None, tuesday_noon) for k, t in table.items()}
    assert fire["digests-daily"] == datetime(2027, 1, 6, 6, 0, tzinfo=WIB)
    assert fire["digests-weekly"] == datetime(2027, 1, 11, 6, 0, tzinfo=WIB)  # Monday
    assert fire["clearing"] == datetime(2027, 1, 6, 1, 0, tzinfo=WIB)
    assert fire["expiry"] == datetime(2027, 1, 5, 12, 5, tzinfo=WIB)  # hourly
    assert fire["reminders"] == datetime(2027, 1, 6, 7, 0, tzinfo=WIB)
    assert fire["outbox"] - tuesday_noon <= timedelta(minutes=1)


def test_the_digest_hour_is_a_setting(app):
    app.config["DIGEST_DAILY_HOUR"] = 5
    scheduler = build_scheduler(app)
    trigger = scheduler.get_job("digests-daily").trigger
    nxt = trigger.get_next_fire_time(None, datetime(2027, 1, 5, 12, 0, tzinfo=WIB))
    assert nxt == datetime(2027, 1, 6, 5, 0, tzinfo=WIB)


def test_a_failing_job_is_logged_and_the_scheduler_goes_on(app, caplog):
    def broken():
        raise RuntimeError("boom")

    _in_app(app, "broken", broken)()  # does not raise
    assert "job broken failed" in caplog.text
