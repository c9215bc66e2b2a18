"""Angkutan bersama: plan shared trips for signed deals not yet shipped, and record the answers
of those who bear transport. Each function is one transaction (one commit)."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from exchange.akad import N_
from exchange.audit.services import record
from exchange.auth.permissions import is_manager_of, require_staff
from exchange.clock import today_wib
from exchange.db import utcnow
from exchange.deals.models import Bundle, Deal
from exchange.deals.policy import Side, State
from exchange.deals.services import notify_managers
from exchange.errors import Forbidden, Invalid, NotFound
from exchange.extensions import db
from exchange.freight import settings
from exchange.freight.costs import Point, Shipment, weight_kg
from exchange.freight.models import FreightRun, Trip, TripDeal, TripStop
from exchange.freight.planner import plan
from exchange.freight.policy import OPEN_TRIP_STATES, Answer, RunTrigger, StopKind, TripState
from exchange.freight.queries import visible_trip

PROPOSED = N_(
    "Angkutan bersama #%(trip)s diusulkan untuk kesepakatan yang angkutannya Anda tanggung: "
    "periksa bagian Anda, lalu terima atau tolak."
)


def _places(deal: Deal) -> tuple[Point, Point]:
    """Pick-up: the offer's own place, else the seller's pesantren; drop: the request's place,
    else the buyer's pesantren."""

    def at(listing, pesantren) -> Point:
        if listing is not None and listing.lat is not None and listing.lon is not None:
            return Point(listing.lat, listing.lon)
        return Point(pesantren.lat, pesantren.lon)

    return at(deal.offer, deal.seller), at(deal.request, deal.buyer)


def candidate_deals(today) -> list[Deal]:
    """Signed deals not yet shipped, handed over from tomorrow on, in no open trip."""
    in_trip = (
        select(TripDeal.deal_id)
        .join(Trip, Trip.id == TripDeal.trip_id)
        .where(Trip.state.in_(OPEN_TRIP_STATES))
    )
    deals = db.session.scalars(
        select(Deal).where(Deal.state == State.SIGNED, Deal.id.not_in(in_trip)).order_by(Deal.id)
    ).all()
    return [d for d in deals if d.current_terms.handover_date > today]


def _ribawi_bundles(deal_ids: set[int]) -> dict[int, int]:
    """deal id -> bundle id, for tied bundles whose both legs are ribawi goods (DOMAIN.md 7.5)."""
    out = {}
    for b in db.session.scalars(select(Bundle)):
        legs = (b.leg_a, b.leg_b)
        if all(leg.commodity.is_ribawi for leg in legs):
            for leg in legs:
                if leg.id in deal_ids:
                    out[leg.id] = b.id
    return out


def shipments(deals: list[Deal]) -> tuple[list[Shipment], dict[int, Deal]]:
    config = current_app.config
    opens, closes = settings.hours(config)
    per_unit = settings.kg_per_unit(config)
    bundles = _ribawi_bundles({d.id for d in deals})
    out, by_id = [], {}
    for deal in deals:
        terms = deal.current_terms
        kg = weight_kg(terms.quantity, deal.commodity.unit, per_unit)
        if kg is None:
            continue
        pickup, drop = _places(deal)
        window = (opens, closes)
        out.append(
            Shipment(deal.id, kg, pickup, drop, terms.handover_date, window, window,
                     bundles.get(deal.id))
        )  # fmt: skip
        by_id[deal.id] = deal
    return out, by_id


def plan_trips(
    trigger: RunTrigger = RunTrigger.DAILY, actor=None, now: datetime | None = None
) -> FreightRun:
    """Propose shared trips for the signed deals not yet shipped. Staff (or the scheduler)."""
    if actor is not None:
        require_staff(actor)
    now = now or utcnow()
    config = current_app.config
    model = settings.cost_model(config)
    ships, deals = shipments(candidate_deals(today_wib(now)))
    started = datetime.now()  # noqa: DTZ005 - a duration only
    result = plan(ships, model, float(config["FREIGHT_TIME_LIMIT_SECONDS"]))
    took = datetime.now() - started  # noqa: DTZ005
    run = FreightRun(
        trigger=trigger,
        started_by_id=getattr(actor, "id", None),
        deals_considered=len(ships),
        deals_shared=sum(len(t.deal_ids) for t in result.trips),
        trips=len(result.trips),
        cost_alone=sum(sum(t.stand_alone.values()) for t in result.trips),
        cost_shared=sum(t.route.cost for t in result.trips),
        solver_ms=int(took / timedelta(milliseconds=1)),
        created_at=now,
    )
    db.session.add(run)
    db.session.flush()
    for planned in result.trips:
        _store(run, planned, deals, model)
    record(
        "freight.planned", run, actor=actor, trips=run.trips, deals=run.deals_considered,
        saved=run.cost_alone - run.cost_shared,
    )  # fmt: skip
    db.session.commit()
    return run


def _store(run: FreightRun, planned, deals: dict[int, Deal], model) -> Trip:
    route = planned.route
    regencies = []
    for stop in route.order:
        deal = deals[planned.shipments[stop // 2].deal_id]
        name = (deal.buyer if stop % 2 else deal.seller).regency.name
        if name not in regencies:
            regencies.append(name)
    trip = Trip(
        run_id=run.id, day=planned.day, vehicle=route.vehicle.code,
        capacity_kg=route.vehicle.capacity_kg, rate_per_km=route.vehicle.rate_per_km,
        stop_cost=model.stop_cost, distance_m=route.distance_m, total=route.cost,
        corridor=" - ".join(regencies)[:255], state=TripState.PROPOSED,
    )  # fmt: skip
    db.session.add(trip)
    db.session.flush()
    for s in planned.shipments:
        deal = deals[s.deal_id]
        side = Side(deal.current_terms.transport)
        db.session.add(
            TripDeal(
                trip_id=trip.id, deal_id=deal.id, terms_version=deal.terms_version,
                bearer_side=side, bearer_pesantren_id=deal.pesantren_of(side).id, kg=s.kg,
                stand_alone=planned.stand_alone[deal.id], share=planned.shares[deal.id],
            )
        )  # fmt: skip
    for pesantren_id in sorted(
        {
            deals[s.deal_id].pesantren_of(Side(deals[s.deal_id].current_terms.transport)).id
            for s in planned.shipments
        }
    ):
        notify_managers(
            pesantren_id, "freight.proposed", PROPOSED, url=f"/angkutan/{trip.id}",
            params={"trip": trip.id},
        )  # fmt: skip
    for seq, (stop, minute) in enumerate(zip(route.order, route.times, strict=True)):
        s = planned.shipments[stop // 2]
        deal = deals[s.deal_id]
        point = s.drop if stop % 2 else s.pickup
        db.session.add(
            TripStop(
                trip_id=trip.id, seq=seq, deal_id=deal.id,
                kind=StopKind.DROP if stop % 2 else StopKind.PICKUP,
                place=(deal.buyer if stop % 2 else deal.seller).regency.name,
                lat=point.lat, lon=point.lon, minute=minute,
            )
        )  # fmt: skip
    db.session.flush()
    return trip


def _still_as_planned(item: TripDeal, trip: Trip) -> bool:
    """The deal is still signed and unshipped on the terms the trip was planned on."""
    deal = item.deal
    terms = deal.current_terms
    return (
        deal.state == State.SIGNED
        and deal.terms_version == item.terms_version
        and terms.handover_date == trip.day
        and terms.transport == item.bearer_side
    )


def answer(actor, trip_id: int, deal_id: int, accept: bool, now: datetime | None = None) -> Trip:
    """The transport bearer of one deal of a proposed trip accepts or declines it.

    Raises NotFound (not a party of the trip, or the deal is not in it), Forbidden (the actor's
    pesantren does not bear this deal's transport), Invalid (the trip is no longer open, or the
    deal changed since: then the trip lapses).
    """
    now = now or utcnow()
    trip = visible_trip(actor, trip_id)
    item = next((d for d in trip.deals if d.deal_id == deal_id), None)
    if item is None:
        raise NotFound()
    if not is_manager_of(actor, item.bearer_pesantren_id):
        raise Forbidden()
    if trip.state != TripState.PROPOSED or item.answer != Answer.PENDING:
        raise Invalid(_l("Perjalanan ini sudah tidak menunggu jawaban Anda."))
    if not _still_as_planned(item, trip) or trip.day <= today_wib(now):
        _close(trip, TripState.LAPSED, now, actor)
        db.session.commit()
        raise Invalid(_l("Kesepakatan ini berubah sejak perjalanan diusulkan; usulan gugur."))
    item.answer = Answer.ACCEPTED if accept else Answer.DECLINED
    item.answered_by_id = actor.id
    item.answered_at = now
    record(
        "freight.accepted" if accept else "freight.declined", trip, actor=actor,
        pesantren_id=item.bearer_pesantren_id, deal=deal_id, share=item.share,
    )  # fmt: skip
    if not accept:
        _close(trip, TripState.DECLINED, now, actor)
    elif all(d.answer == Answer.ACCEPTED for d in trip.deals):
        _close(trip, TripState.AGREED, now, actor)
    db.session.commit()
    return trip


def _close(trip: Trip, state: TripState, now: datetime, actor=None) -> None:
    trip.state = state
    trip.decided_at = now
    record(f"freight.{state.value}", trip, actor=actor)
    db.session.flush()


def lapse_trips(now: datetime | None = None) -> int:
    """Proposed trips whose day has come without every answer lapse (the deals stay as they
    were). Returns how many."""
    now = now or utcnow()
    stale = db.session.scalars(
        select(Trip).where(Trip.state == TripState.PROPOSED, Trip.day <= today_wib(now))
    ).all()
    for trip in stale:
        _close(trip, TripState.LAPSED, now)
    db.session.commit()
    return len(stale)


def hours_text() -> str:
    opens, closes = current_app.config["FREIGHT_HOURS"]
    return f"{opens}-{closes}"
