"""A pool of three 1.000 kg kitchens near a hub in Sidoarjo, and a seller with a 2.500 kg
minimum in Surabaya, all made through the services."""

from __future__ import annotations

from datetime import timedelta

from exchange.clock import today_wib
from exchange.pools import services as pools
from tests.factories import make_listing, make_pesantren, manager_of

HUB = (-7.4478, 112.7183)  # Sidoarjo


def pool_input(**kw) -> pools.PoolInput:
    start = today_wib() + timedelta(days=3)
    base = {
        "commodity": "beras",
        "grade": "Medium 2",
        "quantity": 1000,
        "price": 13000,
        "window_start": start,
        "window_end": start + timedelta(days=14),
        "hub_lat": HUB[0],
        "hub_lon": HUB[1],
        "hub_address": "Gudang Puskopontren Sidoarjo, Jl. Raya Buduran 5",
        "akad": ("tunai", "tempo"),
    }
    return pools.PoolInput(**(base | kw))


def kitchens(n: int = 3):
    """``n`` verified pesantren a few km from the hub, with a manager each."""
    return [
        manager_of(make_pesantren(regency_code="3515", lat=HUB[0] + 0.01 * i, lon=HUB[1]))
        for i in range(n)
    ]


def seller_offer(quantity: int = 3000, minimum: int = 2500, price: int = 11000):
    seller = manager_of(make_pesantren(regency_code="3578"))
    offer = make_listing(
        seller.pesantren,
        slug="beras",
        quantity=quantity,
        min_quantity=minimum,
        price=price,
        grade=3,
        start=today_wib() + timedelta(days=1),
    )
    return seller, offer


def open_pool_of_two(coordinator) -> int:
    """An open pool ``coordinator`` opened, with one other member (so it stays open when the
    coordinator leaves). For the route crawls."""
    pool = pools.open_pool(coordinator, pool_input())
    pools.join_pool(kitchens(1)[0], pool.id, 500)
    return pool.id
