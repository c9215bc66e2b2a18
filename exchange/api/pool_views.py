"""Pool (patungan) writes: join an open pool with a share, leave it (scope ``listings``: a
share is part of a request). The same services as the pool page."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from exchange.api import write_schemas as w
from exchange.api.guard import acting_user
from exchange.api.scopes import Scope
from exchange.api.write_views import endpoint
from exchange.pools import services as pools


class PoolJoinIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    quantity: int = Field(ge=1, le=w.BIG)


class PoolOut(BaseModel):
    id: int
    state: str
    commodity: str
    total: int  # the members' sum: the pool's request in the market
    my_quantity: int | None  # the caller's share (None: not a member)


def _present(pool, pesantren_id) -> PoolOut:
    mine = next((m.quantity for m in pool.members if m.pesantren_id == pesantren_id), None)
    state = pool.state.value if hasattr(pool.state, "value") else str(pool.state)
    return PoolOut(
        id=pool.id,
        state=state,
        commodity=pool.commodity.slug,
        total=pool.total,
        my_quantity=mine,
    )


@endpoint("/pools/<int:pool_id>/join", Scope.LISTINGS, json=PoolJoinIn, result=PoolOut)
def join_pool(pool_id: int, json: PoolJoinIn, headers: w.WriteHeaders):
    """Join an open pool near the caller's pesantren with its own quantity."""
    user = acting_user()
    member = pools.join_pool(user, pool_id, json.quantity)
    return _present(member.pool, user.pesantren_id)


@endpoint("/pools/<int:pool_id>/leave", Scope.LISTINGS, result=PoolOut)
def leave_pool(pool_id: int, headers: w.WriteHeaders):
    """Leave a pool while it is open (the last member leaving closes it)."""
    user = acting_user()
    return _present(pools.leave_pool(user, pool_id), user.pesantren_id)
