"""A pool that reached no seller by the start of its window closes, its members are told, and
each may turn its share into a request of its own; members may leave while it is open."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from exchange.clock import today_wib
from exchange.deals.models import Notification
from exchange.errors import IllegalTransition, Invalid, NotFound
from exchange.extensions import db
from exchange.listings.models import ListingStatus
from exchange.pools import services
from exchange.pools.policy import PoolState
from exchange.scheduler.jobs import expire
from tests.factories import make_manager
from tests.pools.helpers import kitchens, pool_input

pytestmark = pytest.mark.clocks


def test_unmatched_pool_closes_at_its_window_and_shares_become_requests(app):
    with app.app_context():
        a, b = kitchens(2)
        pool = services.open_pool(a, pool_input())
        services.join_pool(b, pool.id, 700)
        assert services.close_unmatched(today_wib()) == 0  # its window has not begun
        counts = expire(None)
        assert counts["pools"] == 0
        assert services.close_unmatched(pool.window_start) == 1
        db.session.refresh(pool)
        assert pool.state == PoolState.CLOSED
        assert pool.listing.status == ListingStatus.WITHDRAWN  # off the market
        told = db.session.scalars(
            select(Notification.user_id).where(Notification.kind == "pool.closed")
        ).all()
        assert set(told) == {a.id, b.id}
        own = services.share_to_request(b, pool.id)
        assert (own.quantity, own.pesantren_id, own.side) == (700, b.pesantren_id, "request")
        assert services.share_to_request(b, pool.id).id == own.id  # once
        with pytest.raises(Invalid):
            services.join_pool(make_manager("3515"), pool.id, 100)


def test_members_leave_while_open_and_the_request_follows(app):
    with app.app_context():
        a, b = kitchens(2)
        pool = services.open_pool(a, pool_input())
        services.join_pool(b, pool.id, 700)
        db.session.refresh(pool)
        assert pool.listing.quantity == 1700
        services.leave_pool(b, pool.id)
        db.session.refresh(pool)
        assert (pool.total, pool.listing.quantity, pool.listing.remaining) == (1000, 1000, 1000)
        with pytest.raises(NotFound):
            services.leave_pool(b, pool.id)
        with pytest.raises(IllegalTransition):
            services.share_to_request(a, pool.id)  # still open
        services.leave_pool(a, pool.id)
        db.session.refresh(pool)
        assert pool.state == PoolState.CLOSED


def test_who_may_join(app):
    with app.app_context():
        (a,) = kitchens(1)
        pool = services.open_pool(a, pool_input())
        far = make_manager("3529")  # Sumenep, far beyond 25 km
        with pytest.raises(Invalid, match="km"):
            services.join_pool(far, pool.id, 500)
        with pytest.raises(Invalid):
            services.join_pool(a, pool.id, 500)  # already a member
        with pytest.raises(Invalid):
            services.open_pool(a, pool_input(window_start=today_wib()))
        with pytest.raises(Invalid):
            services.open_pool(a, pool_input(window_end=today_wib() + timedelta(days=1)))
