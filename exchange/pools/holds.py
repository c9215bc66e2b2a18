"""Pools' rule handed to listings at start-up (``app.create_app``): a pool's request is agreed
on the pool's page (one deal per member), never negotiated as one deal with its coordinator."""

from __future__ import annotations

from flask_babel import gettext as _

from exchange.listings.policy import register_managed
from exchange.pools.queries import pool_of_listing


class PoolListings:
    def refusal(self, listing_id: int) -> str | None:
        pool = pool_of_listing(listing_id)
        if pool is None:
            return None
        return _(
            "Ini permintaan patungan: setujui lewat halaman patungan, satu kontrak per anggota."
        )


def register() -> None:
    register_managed("pools", PoolListings())
