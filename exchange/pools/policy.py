"""What other domains may ask about pools (patungan): the vocabulary and the pure rules of who
may join and who may see the members. Pure: no Flask, no database.

A pool is a request several pesantren make together so that a seller's minimum applies to their
total: it owns one request listing at the hub whose quantity is the members' sum (docs/pools.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from exchange.listings.policy import road_km

#: How far from the hub (road km) members may be, unless the pool says otherwise.
DEFAULT_MAX_DISTANCE_KM = 25.0
#: The most a pool may allow (the hub is one place to collect from).
MAX_POOL_DISTANCE_KM = 100.0


def N_(message: str) -> str:
    """Mark a message for translation; the shell translates it when it shows it."""
    return message


class PoolState(StrEnum):
    OPEN = "open"  # members join and leave; the pool's listing is in the market
    MATCHED = "matched"  # a seller agreed: every member has its own deal with it
    CLOSED = "closed"  # not matched by the start of its window (or withdrawn)


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str  # a msgid; the shell translates it with ``params``
    params: dict


def join_refusals(
    state: str,
    window_start: date,
    today: date,
    hub: tuple[float, float],
    place: tuple[float, float],
    max_distance_km: float,
    road_factor: float,
    verified: bool,
) -> list[Refusal]:
    """Why a pesantren at ``place`` may not join (empty: it may): the pool is open and its
    window not begun, the pesantren verified and within the pool's road distance of the hub."""
    out = []
    if state != PoolState.OPEN or window_start <= today:
        out.append(Refusal("closed", N_("Patungan ini sudah tidak menerima anggota."), {}))
    if not verified:
        out.append(Refusal("unverified", N_("Hanya pesantren terverifikasi yang dapat ikut."), {}))
    km = road_km(hub[0], hub[1], place[0], place[1], road_factor)
    if km > max_distance_km:
        out.append(
            Refusal(
                "too_far",
                N_("Pesantren Anda %(km)s km dari titik kumpul; batas patungan ini %(limit)s km."),
                {"km": round(km), "limit": round(max_distance_km)},
            )
        )
    return out


def may_see_members(viewer_pesantren_id: int | None, members: set[int], negotiating: set[int]):
    """Only members see the member list; a seller sees it (names and quantities) once it
    negotiates with the pool (``negotiating``: the pesantren with a proposal or a deal)."""
    return viewer_pesantren_id is not None and (
        viewer_pesantren_id in members or viewer_pesantren_id in negotiating
    )
