"""Planning runs, answers and their records, through the services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from exchange.audit.models import AuditEvent
from exchange.clock import today_wib, utcnow
from exchange.deals.models import Deal, Notification
from exchange.deals.policy import State
from exchange.errors import Forbidden, Invalid, NotFound
from exchange.extensions import db
from exchange.freight import queries, services
from exchange.freight.models import Trip
from exchange.freight.policy import Answer, TripState
from tests.factories import make_manager, make_staff
from tests.freight.helpers import back_haul

pytestmark = pytest.mark.clocks


def test_a_back_haul_becomes_one_trip_that_both_bearers_accept(app):
    with app.app_context():
        (madura, jombang), (salt, rice) = back_haul()
        run = services.plan_trips()
        assert (run.trips, run.deals_considered, run.deals_shared) == (1, 2, 2)
        trip = db.session.scalars(select(Trip)).one()
        assert trip.day == today_wib() + timedelta(days=7)
        assert [d.deal_id for d in trip.deals] == [salt, rice]
        assert sum(d.share for d in trip.deals) == trip.total < trip.stand_alone_total
        assert all(d.share <= d.stand_alone for d in trip.deals)
        assert [s.kind for s in trip.stops].count("pickup") == 2
        assert {d.bearer_pesantren_id for d in trip.deals} == {
            madura.pesantren_id,
            jombang.pesantren_id,
        }
        # each bearer's managers are told, with a link to the trip
        notices = db.session.scalars(
            select(Notification).where(Notification.kind == "freight.proposed")
        ).all()
        assert sorted(n.user_id for n in notices) == sorted([madura.id, jombang.id])
        assert {n.url for n in notices} == {f"/angkutan/{trip.id}"}
        services.answer(madura, trip.id, salt, accept=True)
        assert trip.state == TripState.PROPOSED
        services.answer(jombang, trip.id, rice, accept=True)
        assert trip.state == TripState.AGREED
        kinds = db.session.scalars(select(AuditEvent.kind).where(AuditEvent.kind.like("freight.%")))
        assert sorted(kinds) == ["freight.accepted", "freight.accepted", "freight.agreed",
                                 "freight.planned"]  # fmt: skip
        # an open trip holds its deals: the next run proposes nothing new
        assert services.plan_trips().trips == 0


def test_declining_leaves_every_deal_as_it_was(app):
    with app.app_context():
        (madura, jombang), (salt, rice) = back_haul()
        before = {
            d.id: (d.state, d.terms_version, d.version) for d in db.session.scalars(select(Deal))
        }
        services.plan_trips()
        trip = db.session.scalars(select(Trip)).one()
        services.answer(jombang, trip.id, rice, accept=False)
        assert trip.state == TripState.DECLINED
        after = {
            d.id: (d.state, d.terms_version, d.version) for d in db.session.scalars(select(Deal))
        }
        assert after == before
        with pytest.raises(Invalid):
            services.answer(madura, trip.id, salt, accept=True)


def test_only_the_bearer_answers_and_strangers_see_nothing(app):
    with app.app_context():
        (madura, jombang), (salt, rice) = back_haul()
        services.plan_trips()
        trip = db.session.scalars(select(Trip)).one()
        with pytest.raises(Forbidden):  # a party of the trip, but Sumenep carries the salt
            services.answer(jombang, trip.id, salt, accept=True)
        stranger = make_manager(regency_code="3578")
        with pytest.raises(NotFound):
            services.answer(stranger, trip.id, salt, accept=True)
        with pytest.raises(NotFound):
            queries.visible_trip(stranger, trip.id)
        assert queries.visible_trip(make_staff(), trip.id) is not None
        assert trip.deals[0].answer == Answer.PENDING


def test_a_trip_lapses_when_its_day_comes_unanswered_or_a_deal_changes(app):
    with app.app_context():
        (madura, jombang), (salt, rice) = back_haul()
        services.plan_trips()
        trip = db.session.scalars(select(Trip)).one()
        assert services.lapse_trips(utcnow()) == 0
        assert services.lapse_trips(utcnow() + timedelta(days=7)) == 1
        assert trip.state == TripState.LAPSED
        # the deals are free for the next run, which proposes them again
        assert services.plan_trips().trips == 1
        again = db.session.scalars(select(Trip).where(Trip.state == TripState.PROPOSED)).one()
        db.session.get(Deal, salt).state = State.CANCELLED  # as a cancellation leaves it
        with pytest.raises(Invalid):
            services.answer(madura, again.id, salt, accept=True)
        assert again.state == TripState.LAPSED
        db.session.rollback()


def test_staff_start_a_run_others_may_not(app):
    with app.app_context():
        back_haul()
        with pytest.raises(NotFound):
            services.plan_trips(actor=make_manager())
        run = services.plan_trips(actor=make_staff())
        assert run.started_by_id is not None
        (row,) = queries.corridors()
        assert row["trips"] == 1 and row["saved"] > 0


def test_the_daily_job_lapses_then_plans_and_runs_from_the_command_line(app, runner):
    from exchange.scheduler.runner import job_table

    with app.app_context():
        back_haul()
        result = runner.invoke(args=["exchange", "plan-freight"])
        assert result.exit_code == 0, result.output
        assert "lapsed=0" in result.output and "trips=1" in result.output
        later = (utcnow() + timedelta(days=7)).isoformat()
        result = runner.invoke(args=["exchange", "plan-freight", "--now", later])
        assert "lapsed=1" in result.output and "trips=0" in result.output  # the day has come
        assert "freight" in {job_id for job_id, *_rest in job_table(app)}
