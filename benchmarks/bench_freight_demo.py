"""bench_freight's demo part: the app's demo seeded into a temporary SQLite database; the
proposals of its clearing run (as if each were signed, on the first common day of its two
windows) and its signed deals (through ``freight.services.plan_trips``)."""

from __future__ import annotations

import tempfile
import time

from sqlalchemy import select

from exchange.app import create_app
from exchange.catalogue.models import Commodity
from exchange.demo import seed_everything
from exchange.extensions import db
from exchange.freight.costs import DEFAULT_KG_PER_UNIT, Point, Shipment, weight_kg
from exchange.freight.policy import RunTrigger
from exchange.freight.services import plan_trips
from exchange.listings.models import Listing
from exchange.matching.models import Proposal
from exchange.pesantren.models import Pesantren


def _place(listing: Listing, pesantren: Pesantren) -> Point:
    if listing.lat is not None and listing.lon is not None:
        return Point(listing.lat, listing.lon)
    return Point(pesantren.lat, pesantren.lon)


def demo_report(report, model, limit: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            "development", DATABASE_URL=f"sqlite:///{tmp}/demo.sqlite3", SCHEDULER_ENABLED=False
        )
        with app.app_context():
            db.create_all()
            seed_everything()
            units = {c.id: c.unit for c in db.session.scalars(select(Commodity))}
            listings = {x.id: x for x in db.session.scalars(select(Listing))}
            pesantren = {p.id: p for p in db.session.scalars(select(Pesantren))}
            ships = []
            for p in db.session.scalars(select(Proposal).order_by(Proposal.id)):
                kg = weight_kg(p.quantity, units[p.commodity_id], DEFAULT_KG_PER_UNIT)
                if kg is None:
                    continue
                offer, request = listings[p.offer_id], listings[p.request_id]
                day = max(offer.window_start, request.window_start)
                pickup = _place(offer, pesantren[p.seller_pesantren_id])
                drop = _place(request, pesantren[p.buyer_pesantren_id])
                ships.append(Shipment(p.id, kg, pickup, drop, day))
            report("demo proposals", len(ships), ships, model, limit)
            started = time.perf_counter()
            run = plan_trips(RunTrigger.MANUAL)
            took = time.perf_counter() - started
            saved = run.cost_alone - run.cost_shared
            print(
                f"{'demo signed deals':<22} deals {run.deals_considered:>5}  trips {run.trips:>4}  "
                f"in shared trips {run.deals_shared}  saved Rp {saved:,}  "
                f"service {took:.1f} s".replace(",", ".")
            )
