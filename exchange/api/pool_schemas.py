"""The bodies of the pool (patungan) operations: opening one, a seller's agreement, and a pool
as the API shows it (its terms; its members only to those the pool page shows them to)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from exchange.api import write_schemas as w
from exchange.api.vocab import AkadName, one_of
from exchange.pools.policy import DEFAULT_MAX_DISTANCE_KM, MAX_POOL_DISTANCE_KM, PoolState

ID = {"ge": 1, "le": 2**31 - 1}


class PoolOpenIn(BaseModel):
    """A pool of the token's pesantren: its own share and the terms every member buys on."""

    model_config = ConfigDict(extra="forbid")
    commodity: str = Field(max_length=40, description="A commodity slug (GET /commodities).")
    grade: str = Field(max_length=40, description="The least grade accepted (the commodity's).")
    quantity: int = Field(
        ge=1, le=w.MAX_QUANTITY, description="The opener's own share, in the commodity's unit."
    )
    price: int = Field(
        ge=1, le=w.MAX_UNIT_PRICE, description="Rupiah per unit: the most paid, at the hub."
    )
    window_start: date = Field(
        ge=date(2000, 1, 1), le=date(2100, 12, 31), description="After today."
    )
    window_end: date = w.Day
    hub_lat: float = Field(ge=-11.5, le=-5.0, allow_inf_nan=False, description="The hub.")
    hub_lon: float = Field(ge=110.5, le=116.5, allow_inf_nan=False, description="The hub.")
    hub_address: str = Field(
        min_length=1, max_length=200, description="The hub in words (contracts print it)."
    )
    akad: list[AkadName] = Field(min_length=1, max_length=5)
    max_distance_km: float = Field(
        default=DEFAULT_MAX_DISTANCE_KM,
        gt=0,
        le=MAX_POOL_DISTANCE_KM,
        allow_inf_nan=False,
        description="How far (road km) from the hub members may be.",
    )


class PoolAgreeIn(BaseModel):
    """A seller agrees to supply the pool with one of its offers (``offers`` of the pool as
    it reads it), at the pool's price limit or at its clearing proposal's price."""

    model_config = ConfigDict(extra="forbid")
    offer_id: int = Field(description="One of the token's pesantren's open offers.", **ID)
    proposal_id: int | None = Field(
        default=None,
        description="The clearing run's proposal on the pool's request (``proposals``).",
        **ID,
    )


class PoolMemberOut(BaseModel):
    pesantren_id: int
    pesantren_name: str
    quantity: int
    deal_id: int | None = Field(description="The member's own deal once a seller agreed.")


class PoolOut(BaseModel):
    id: int
    state: one_of(PoolState)
    commodity: str
    grade: str
    total: int = Field(description="The members' sum: the pool's request in the market.")
    my_quantity: int | None = Field(description="The caller's share (null: not a member).")
    price: int = Field(description="Rupiah per unit: the most paid, delivered to the hub.")
    window_start: date
    window_end: date
    akad: list[AkadName]
    hub_lat: float
    hub_lon: float
    hub_address: str
    max_distance_km: float
    coordinator_pesantren_id: int
    listing_id: int | None = Field(description="The pool's request listing.")
    unit_price: int | None = Field(description="Once matched: the agreed price per unit.")
    agreed_akad: AkadName | None
    handover_date: date | None
    members: list[PoolMemberOut] | None = Field(
        description="Members and sellers negotiating with the pool see them; others: null."
    )
    offers: list[int] = Field(
        description="The caller's open offers it may agree to the pool with (an open pool)."
    )
    proposals: list[int] = Field(
        description="The caller's open clearing proposals on the pool's request."
    )
    deal_ids: list[int] = Field(
        description="The pool's deals the caller is a party of (its share's; a seller's all)."
    )


class PoolList(BaseModel):
    items: list[PoolOut] = Field(
        description="The pools of the token's pesantren (member or coordinator), newest "
        "first, then the open pools near it that it may join, then those it agreed to supply."
    )
