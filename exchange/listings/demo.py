"""Demo offers and requests for the demo pesantren (DOMAIN.md sections 1.4, 3 and 4).

Requests follow consumption: rice sized from the santri count (0.25 kg per resident santri per
day, 57% resident, a kitchen share), salt, sugar and cooking oil likewise. Offers follow
production: salt from Madura, sugar from the cane regencies, coffee from Jember and Bondowoso,
rice from the rice regencies, and each regency's other products (the commodity CSV). Prices lie
within 10% of the reference price; windows start from today over the next weeks.

Format 2 of the matching engine gets something to work with: varied akad sets (salam for rice and
raw salt offered before the harvest, istisna' for batik, sarung and uniforms made to order,
tempo and murabahah between cooperatives), some offers kept in a warehouse in another regency
(their own place), and some listings with a minimum quantity per deal.
"""

from __future__ import annotations

import random
from datetime import timedelta
from functools import cache

from sqlalchemy import select

from exchange.akad import AKAD_ORDER, Akad
from exchange.auth.models import User
from exchange.catalogue.models import Commodity
from exchange.catalogue.reference import commodity_rows
from exchange.clock import today_wib
from exchange.extensions import db
from exchange.listings.models import Listing, ListingStatus, Side
from exchange.pesantren.models import Pesantren, PesantrenStatus, Regency

MUKIM_SHARE = 0.57
# (slug, kg or litre per santri per day) for the staple requests besides rice
STAPLES = (("garam_konsumsi", 3 / 365), ("gula_pasir", 0.02), ("minyak_goreng", 0.02))
# Istisna' (made to order) only for these in the demo; salam for these before their harvest.
HARVESTED = frozenset({"beras", "garam_krosok"})
# Warehouses in the trading towns: some offers are kept there rather than at the pesantren.
HUBS = ("3578", "3515", "3525", "3573", "3509")  # Surabaya, Sidoarjo, Gresik, Malang, Jember
OFFER_AKAD = (
    (Akad.TUNAI,),
    (Akad.TUNAI, Akad.TEMPO),
    (Akad.TEMPO,),
    (Akad.TUNAI, Akad.MURABAHAH),
    (Akad.MURABAHAH,),
    (Akad.TEMPO, Akad.MURABAHAH),
)
REQUEST_AKAD = (
    (Akad.TUNAI,),
    (Akad.TUNAI, Akad.TEMPO),
    (Akad.TEMPO,),
    (Akad.TEMPO, Akad.MURABAHAH),
    (Akad.MURABAHAH,),
)


def seed_demo_listings(rng_seed: int = 2027, today=None) -> int:
    """Add a few hundred listings for the verified demo pesantren. Returns how many."""
    rng = random.Random(rng_seed)  # noqa: S311 - demo data, not security
    today = today or today_wib()
    commodities = {c.slug: c for c in db.session.scalars(select(Commodity))}
    producers = {r["slug"]: r["producing_regencies"].split(";") for r in commodity_rows()}
    managers = {u.pesantren_id: u.id for u in db.session.scalars(select(User))}
    pesantren = db.session.scalars(
        select(Pesantren).where(Pesantren.status == PesantrenStatus.VERIFIED).order_by(Pesantren.id)
    ).all()
    hubs = {r.code: (r.lat, r.lon) for r in db.session.scalars(select(Regency))}
    made = []
    for p in pesantren:
        plan = _requests(p, rng) + _offers(p, producers, rng)
        for side, slug, quantity in plan:
            c = commodities.get(slug)
            if c is None or quantity <= 0:
                continue
            listing = _listing(p, managers.get(p.id), side, c, quantity, today, rng)
            _format2(listing, c, hubs, today, rng)
            made.append(listing)
    db.session.add_all(made)
    db.session.commit()
    return len(made)


def _requests(p: Pesantren, rng) -> list[tuple[str, str, int]]:
    mukim = max(30, p.santri_count) * MUKIM_SHARE
    days = rng.choice((14, 30, 30))
    kitchen = rng.uniform(0.3, 1.0)
    rice = _round(mukim * 0.25 * kitchen * days, 25)  # 25 kg sacks
    plan = [(Side.REQUEST, "beras", rice)]
    for slug, per_day in STAPLES:
        if rng.random() < 0.55:
            plan.append((Side.REQUEST, slug, _round(mukim * per_day * days * 2, 5)))
    extras = (
        "telur_ayam",
        "jagung",
        "lele",
        "ikan_laut",
        "seragam",
        "sarung",
        "buku_kitab",
        "sabun",
        "garam_krosok",
    )
    for slug in rng.sample(extras, 2):
        plan.append((Side.REQUEST, slug, _by_value(slug, rng)))
    return plan


def _offers(p: Pesantren, producers: dict, rng) -> list[tuple[str, str, int]]:
    local = [slug for slug, codes in producers.items() if p.regency_code in codes]
    rng.shuffle(local)
    # Main producers first in the CSV: a pesantren there offers its specialities more often.
    local.sort(key=lambda s: producers[s].index(p.regency_code))
    plan = []
    for slug in local[:4]:
        if rng.random() < 0.8:
            plan.append((Side.OFFER, slug, _by_value(slug, rng)))
    return plan


# Rough lot values in rupiah, so that each unit gets a plausible quantity.
LOT_VALUE = (5_000_000, 150_000_000)


@cache
def _reference_prices() -> dict[str, int]:
    return {r["slug"]: int(r["reference_price"]) for r in commodity_rows()}


def _by_value(slug: str, rng) -> int:
    price = _reference_prices()[slug]
    value = rng.uniform(*LOT_VALUE)
    step = 50 if price < 20_000 else 10 if price < 100_000 else 1
    return _round(value / price, step)


def _round(value: float, step: int) -> int:
    return max(step, int(round(value / step)) * step)


def _listing(p, user_id, side, c: Commodity, quantity, today, rng) -> Listing:
    ranks = list(range(len(c.grades), 0, -1))  # best first
    if side == Side.OFFER:
        grade = rng.choice(ranks)
        price = c.reference_price * rng.uniform(0.9, 1.05)
    else:
        grade = ranks[-1] if rng.random() < 0.6 else ranks[len(ranks) // 2]
        price = c.reference_price * rng.uniform(0.95, 1.1)
    start = today + timedelta(days=rng.randint(0, 21))
    step = 100 if c.reference_price >= 10_000 else 10
    halal = None
    if side == Side.OFFER and c.is_food and rng.random() < 0.5:
        halal = f"ID35{rng.randint(10**14, 10**15 - 1)}"
    return Listing(
        side=side.value,
        pesantren_id=p.id,
        created_by_id=user_id,
        commodity_id=c.id,
        grade=grade,
        quantity=quantity,
        remaining=quantity,
        price=_round(price, step),
        window_start=start,
        window_end=start + timedelta(days=rng.choice((14, 21, 30, 45, 60))),
        lat=p.lat,
        lon=p.lon,
        max_distance_km=rng.choice((None, 100.0, 150.0, 250.0)) if side == Side.REQUEST else None,
        akad=[Akad.TUNAI],  # _format2 sets the akad
        note="",
        halal_cert=halal,
        status=ListingStatus.ACTIVE.value,
    )


def _format2(listing: Listing, c: Commodity, hubs: dict, today, rng) -> None:
    """The akad set (in the form's order), a warehouse elsewhere for some offers, a minimum
    quantity per deal for some listings; salam offers of rice and salt wait for the harvest."""
    offer = listing.side == Side.OFFER.value
    akad = list(rng.choice(OFFER_AKAD if offer else REQUEST_AKAD))
    if c.made_to_order and (not offer or rng.random() < 0.6):
        # Goods made to order: every buyer accepts istisna', most makers sell only that way.
        akad = akad + [Akad.ISTISNA] if not offer else [Akad.ISTISNA]
        listing.made_to_order = True
    elif c.slug in HARVESTED and offer and rng.random() < 0.35:
        # Before the harvest: paid now, delivered when the harvest is in.
        akad = [Akad.SALAM]
        listing.window_start = today + timedelta(days=rng.randint(20, 35))
        listing.window_end = listing.window_start + timedelta(days=rng.choice((21, 30, 45)))
    elif c.slug in HARVESTED and not offer and rng.random() < 0.5:
        akad.append(Akad.SALAM)
    listing.akad = [a for a in AKAD_ORDER if a in akad]
    if offer and rng.random() < 0.15:
        lat, lon = hubs[rng.choice(HUBS)]
        listing.lat, listing.lon = lat + rng.uniform(-0.02, 0.02), lon + rng.uniform(-0.02, 0.02)
    share = (0.05, 0.2) if offer else (0.2, 0.4)
    if rng.random() < (0.3 if offer else 0.15):
        step = 25 if c.unit in ("kg", "liter") else 1
        least = _round(listing.quantity * rng.uniform(*share), step)
        listing.min_quantity = least if least < listing.quantity else None
