"""Plain rows (as loaded from the database) to an engine `Instance`, and the engine's answer back
to plain proposal rows. Pure: no Flask, no database, no clock.

Ids in the instance are the database ids written as strings; `int()` turns them back.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

import numpy as np

from exchange.akad import Akad
from exchange.listings.policy import Side

from .candidates import Candidates
from .engine import allocate, deal_prices, welfare
from .minimums import APP_BUDGET
from .model import AKAD_CODES, Commodity, Instance, Listing, Pesantren, choose_akad


@dataclass(frozen=True)
class ProposalRow:
    """One proposed sale with the figures the app stores beside it."""

    offer_id: int
    request_id: int
    seller_pesantren_id: int
    buyer_pesantren_id: int
    commodity: str
    quantity: int
    price: int
    akad: str | None  # model.choose_akad: the buyer's first preference the seller accepts
    surplus_per_unit: float
    distance_km: float
    transport_cost_per_unit: float


def commodity(slug: str, unit: str, transport_cost_per_unit_km: float, grades: list) -> Commodity:
    return Commodity(slug, unit, float(transport_cost_per_unit_km), max(1, len(grades or ())))


def pesantren(pid: int, regency: str, lat: float, lon: float) -> Pesantren:
    return Pesantren(str(pid), regency, float(lat), float(lon))


#: The columns of a listing row, in order (queries.LISTING_COLUMNS selects them).
ROW_FIELDS = (
    "id",
    "side",
    "pesantren_id",
    "commodity",
    "grade",
    "remaining",
    "price",
    "window_start",
    "window_end",
    "max_distance_km",
    "akad",
    "lat",
    "lon",
    "min_quantity",
)


def listing(row, allowed_akad: Iterable[str] = AKAD_CODES, earliest: date | None = None) -> Listing:
    """A format-2 listing from a row of ROW_FIELDS. The quantity is what remains; the akad are
    the listing's own, in its order of preference, less those the contract rules refuse for the
    commodity (`allowed_akad`); the place is the listing's own; the window starts at `earliest`
    at the soonest (a deal agreed today is handed over from tomorrow on)."""
    lid, side, pid, slug, grade, remaining, price, start, end, maxd, akad, lat, lon, moq = row
    allowed = set(allowed_akad)
    return Listing(
        str(lid),
        side,
        str(pid),
        slug,
        int(grade),
        int(remaining),
        int(price),
        max(start, earliest) if earliest else start,
        end,
        None if maxd is None or side == "offer" else float(maxd),
        akad=tuple(a for a in (akad or ()) if a in allowed),
        lat=None if lat is None else float(lat),
        lon=None if lon is None else float(lon),
        min_quantity=None if moq is None else int(moq),
    )


def takes_part(l: Listing) -> bool:
    """Whether a listing can be in any deal at all: something remains and not less than its own
    minimum, an akad the contract rules allow, a window not already over."""
    return (
        l.quantity > 0
        and (l.min_quantity is None or l.quantity >= l.min_quantity)
        and bool(l.akad)
        and l.window_start <= l.window_end
    )


def without_salam_resale(
    listings: Iterable[Listing],
    sellers: set[tuple[str, str]],
    blocked: set[tuple[str, str]] = frozenset(),
) -> list[Listing]:
    """Salam goods may not be resold before they are received (DOMAIN.md 7.1): offers of a
    (pesantren, commodity) in `blocked` (it bought them by salam and has not received them) are
    left out, and a request of a pesantren that sells that commodity (`sellers`) does not ask
    for salam: buying by salam would stop its own sale."""
    out = []
    for l in listings:
        key = (l.pesantren, l.commodity)
        if l.side == Side.OFFER and key in blocked:
            continue
        if l.side == Side.REQUEST and key in sellers and Akad.SALAM in l.akad:
            l = replace(l, akad=tuple(a for a in l.akad if a != Akad.SALAM))
        out.append(l)
    return out


def build_instance(
    road_factor: float,
    commodities: Iterable[Commodity],
    pesantren_rows: Iterable[Pesantren],
    listing_rows: Iterable,
    allowed_akad: dict[str, tuple[str, ...]] | None = None,
    earliest: date | None = None,
    resale_blocked: set[tuple[str, str]] = frozenset(),
) -> Instance:
    """An instance from plain rows, in a deterministic order (commodities by slug, pesantren and
    listings by id). `allowed_akad`: the akad the contract rules allow per commodity slug (all
    when not given); `resale_blocked`: (pesantren id, commodity slug) that may not sell now
    (`without_salam_resale`, whose sellers are the instance's own offers). Listings whose
    commodity or pesantren is missing, or that cannot take part in any deal (`takes_part`), are
    left out."""
    coms = tuple(sorted(commodities, key=lambda c: c.slug))
    pes = tuple(sorted(pesantren_rows, key=lambda p: int(p.id)))
    known_c = {c.slug for c in coms}
    known_p = {p.id for p in pes}
    allowed_akad = allowed_akad or {}
    ls = [listing(r, allowed_akad.get(r[3], AKAD_CODES), earliest) for r in listing_rows]
    ls = [l for l in ls if l.commodity in known_c and l.pesantren in known_p and takes_part(l)]
    sellers = {
        (l.pesantren, l.commodity)
        for l in ls
        if l.side == "offer" and (l.pesantren, l.commodity) not in resale_blocked
    }
    ls = [l for l in without_salam_resale(ls, sellers, resale_blocked) if takes_part(l)]
    ls.sort(key=lambda l: int(l.id))
    return Instance(float(road_factor), coms, pes, tuple(ls), format_version=2)


def without_pairs(cand: Candidates, excluded: Iterable[tuple[str, str]]) -> Candidates:
    """The candidates minus the (offer id, request id) pairs in `excluded` (e.g. declined)."""
    excluded = list(excluded)
    if not excluded or len(cand) == 0:
        return cand
    o_pos = {l.id: i for i, l in enumerate(cand.offers)}
    r_pos = {l.id: j for j, l in enumerate(cand.requests)}
    n_r = np.int64(max(1, len(cand.requests)))
    keys = [o_pos[o] * int(n_r) + r_pos[r] for o, r in excluded if o in o_pos and r in r_pos]
    if not keys:
        return cand
    keep = ~np.isin(cand.offer_idx * n_r + cand.request_idx, np.asarray(keys, dtype=np.int64))
    return Candidates(
        cand.offers,
        cand.requests,
        *(
            getattr(cand, f)[keep]
            for f in (
                "offer_idx",
                "request_idx",
                "surplus",
                "distance",
                "transport",
                "offer_pes",
                "request_pes",
            )
        ),
    )


def proposals(cand: Candidates) -> tuple[list[ProposalRow], float]:
    """The engine's welfare-maximising allocation of `cand` as proposal rows (sorted by offer,
    then request) and the welfare. The prices of `engine.solve`; the allocation with the app's
    smaller MIP budget (`minimums.APP_BUDGET`: a person waits for the staff "run now")."""
    flow = allocate(cand, budget=APP_BUDGET)
    idx = np.flatnonzero(flow > 0)
    prices = deal_prices(cand, idx).tolist()
    rows = []
    for k, p in zip(idx.tolist(), prices, strict=True):
        o = cand.offers[int(cand.offer_idx[k])]
        r = cand.requests[int(cand.request_idx[k])]
        rows.append(
            ProposalRow(
                int(o.id),
                int(r.id),
                int(o.pesantren),
                int(r.pesantren),
                o.commodity,
                int(flow[k]),
                int(p),
                choose_akad(o.akad, r.akad),
                float(cand.surplus[k]),
                float(cand.distance[k]),
                float(cand.transport[k]),
            )
        )
    rows.sort(key=lambda x: (x.offer_id, x.request_id))
    return rows, welfare(cand, flow)


def fair_price(offer_price: int, request_price: int, surplus: float, transport: float) -> int:
    """The engine's price per unit for one pair (engine.deal_prices, for a single pair): the
    offer price plus half the surplus, rounded down, within [offer price, request price -
    transport]."""
    half = math.floor(surplus / 2)
    return max(offer_price, min(offer_price + half, math.floor(request_price - transport)))
