"""One click on a pool suggestion (``matching.queries.pool_hints``): the manager's own request
becomes its share of a new pool at the suggested hub."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _

from exchange.clock import today_wib
from exchange.errors import Invalid, NotFound
from exchange.extensions import db
from exchange.listings import services as listings
from exchange.listings.models import Listing, Side
from exchange.listings.policy import is_open
from exchange.pools.models import Pool
from exchange.pools.services import PoolInput, open_pool


def open_from_request(user, request_id: int, hub_listing_id: int) -> Pool:
    """One click on a pool suggestion: the user's own open request becomes its share of a new
    pool at the suggested hub (the place of ``hub_listing_id``, an open request), with the
    request's grade, price, window and akad; the request itself is then withdrawn (its share
    now buys for it). Raises NotFound (not its own request, or no such hub), Invalid."""
    own = listings.own_listing(user, request_id)
    hub = db.session.get(Listing, hub_listing_id)
    today = today_wib()
    if own.side != Side.REQUEST or hub is None or hub.side != Side.REQUEST:
        raise NotFound()
    if not (is_open(own, today) and is_open(hub, today)):
        raise Invalid(_("Listing ini sudah tidak aktif."))
    start = max(own.window_start, today + timedelta(days=1))
    pool = open_pool(
        user,
        PoolInput(
            commodity=own.commodity.slug,
            grade=own.commodity.grade_label(own.grade),
            quantity=own.remaining,
            price=own.price,
            window_start=start,
            window_end=max(start, own.window_end),
            hub_lat=hub.lat,
            hub_lon=hub.lon,
            hub_address=hub.place_name
            or f"{hub.pesantren.name}, {hub.pesantren.regency.name}"[:200],
            akad=tuple(own.akad or ()),
        ),
    )
    listings.withdraw_listing(user, own.id)  # a second commit: the share replaces the request
    return pool
