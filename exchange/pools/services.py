"""Pool (patungan) use cases: open, join, leave, agree (the seller), ship to the hub, close.
Each public function checks permission, writes the audit event and commits once; it raises a
DomainError when it refuses.

The pool owns one request listing at the hub whose quantity is the members' sum: the market
shows it as one request and the clearing run reaches it as one request, so a seller's minimum
applies to the total. Only this module writes that listing (``_resize``, ``_take_off_market``)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select, update

from exchange.akad import AKAD_ORDER
from exchange.audit.services import record
from exchange.catalogue.models import Commodity
from exchange.clock import today_wib
from exchange.db import utcnow
from exchange.deals import services as deals
from exchange.errors import IllegalTransition, Invalid, NotFound
from exchange.extensions import db
from exchange.listings import services as listings
from exchange.listings.models import Listing, ListingStatus, Side
from exchange.listings.policy import MAX_QUANTITY, MAX_UNIT_PRICE
from exchange.matching import queries as matching_queries
from exchange.matching import services as matching
from exchange.matching.models import Proposal, ProposalStatus
from exchange.pools import policy
from exchange.pools.models import Pool, PoolMember
from exchange.pools.policy import PoolState


@dataclass(frozen=True)
class PoolInput:
    commodity: str  # slug
    grade: str  # label, the least accepted
    quantity: int  # the opener's own share
    price: int  # the most paid per unit, delivered to the hub
    window_start: date
    window_end: date
    hub_lat: float
    hub_lon: float
    hub_address: str
    akad: tuple[str, ...]
    max_distance_km: float = policy.DEFAULT_MAX_DISTANCE_KM


def open_pool(user, inp: PoolInput) -> Pool:
    """A verified pesantren opens a pool with its own share; the pool's request enters the
    market at once. Raises Forbidden (not a verified trader), Invalid (a field)."""
    listings.check_trader(user)
    commodity = db.session.scalar(
        select(Commodity).where(Commodity.slug == inp.commodity, Commodity.active)
    )
    _check_input(inp, commodity)
    listing = Listing(
        side=Side.REQUEST,
        pesantren_id=user.pesantren_id,
        created_by_id=user.id,
        commodity_id=commodity.id,
        grade=commodity.grade_rank(inp.grade),
        quantity=inp.quantity,
        remaining=inp.quantity,
        price=inp.price,
        window_start=inp.window_start,
        window_end=inp.window_end,
        lat=inp.hub_lat,
        lon=inp.hub_lon,
        place_name=inp.hub_address.strip(),
        akad=[a for a in AKAD_ORDER if a in inp.akad],
        note=_("Permintaan patungan"),
        status=ListingStatus.ACTIVE.value,
    )
    db.session.add(listing)
    db.session.flush()
    pool = Pool(
        coordinator_pesantren_id=user.pesantren_id,
        created_by_id=user.id,
        commodity_id=commodity.id,
        grade=listing.grade,
        price=inp.price,
        window_start=inp.window_start,
        window_end=inp.window_end,
        akad=list(listing.akad),
        hub_lat=inp.hub_lat,
        hub_lon=inp.hub_lon,
        hub_address=inp.hub_address.strip(),
        max_distance_km=inp.max_distance_km,
        listing_id=listing.id,
        state=PoolState.OPEN.value,
    )
    db.session.add(pool)
    db.session.flush()
    db.session.add(
        PoolMember(
            pool_id=pool.id,
            pesantren_id=user.pesantren_id,
            quantity=inp.quantity,
            joined_by_id=user.id,
        )
    )
    record("pool.opened", pool, actor=user, pesantren_id=user.pesantren_id, listing=listing.id)
    db.session.commit()
    return pool


def _check_input(inp: PoolInput, commodity: Commodity | None) -> None:
    today = today_wib()
    if commodity is None or inp.grade not in (commodity.grades or []):
        raise Invalid(_("Pilih komoditas dan mutunya."), field="commodity")
    _check_quantity(inp.quantity)
    if not 1 <= inp.price <= MAX_UNIT_PRICE:
        raise Invalid(_("Harga tertinggi harus antara 1 dan 1.000.000.000."), field="price")
    if inp.window_start <= today or inp.window_end < inp.window_start:
        raise Invalid(
            _("Jendela waktu harus mulai setelah hari ini dan tidak berakhir sebelum mulai."),
            field="window_start",
        )
    if not set(inp.akad) & set(AKAD_ORDER) or not set(inp.akad) <= set(AKAD_ORDER):
        raise Invalid(_("Pilih setidaknya satu akad."), field="akad")
    if not 0 < inp.max_distance_km <= policy.MAX_POOL_DISTANCE_KM:
        raise Invalid(_("Jarak anggota harus antara 1 dan 100 km."), field="max_distance_km")
    if not -11.5 <= inp.hub_lat <= -5.0 or not 110.5 <= inp.hub_lon <= 116.5:
        raise Invalid(_("Titik kumpul harus di Jawa Timur."), field="hub_lat")
    if not inp.hub_address.strip() or len(inp.hub_address) > 200:
        raise Invalid(
            _("Tulis alamat titik kumpul (paling banyak 200 huruf)."), field="hub_address"
        )


def _check_quantity(quantity) -> None:
    if quantity is None or not 1 <= quantity <= MAX_QUANTITY:
        raise Invalid(_("Jumlah harus antara 1 dan 10.000.000."), field="quantity")


def join_pool(user, pool_id: int, quantity: int) -> PoolMember:
    """A verified pesantren within the pool's distance of the hub joins with its own quantity;
    the pool's request grows by it. Raises NotFound, Forbidden, Invalid, IllegalTransition."""
    listings.check_trader(user)
    pool = _pool(pool_id)
    _check_quantity(quantity)
    pesantren = user.pesantren
    refusals = policy.join_refusals(
        pool.state,
        pool.window_start,
        today_wib(),
        (pool.hub_lat, pool.hub_lon),
        (pesantren.lat, pesantren.lon),
        pool.max_distance_km,
        matching_queries.road_factor(),
        pesantren.is_verified,
    )
    if refusals:
        raise Invalid(_(refusals[0].message, **refusals[0].params))
    if _member(pool, user.pesantren_id) is not None:
        raise Invalid(_("Pesantren Anda sudah ikut patungan ini."))
    member = PoolMember(
        pool_id=pool.id, pesantren_id=user.pesantren_id, quantity=quantity, joined_by_id=user.id
    )
    db.session.add(member)
    _resize(pool, pool.total + quantity)
    record("pool.joined", pool, actor=user, pesantren_id=user.pesantren_id, quantity=quantity)
    db.session.commit()
    return member


def leave_pool(user, pool_id: int) -> Pool:
    """A member leaves while the pool is open; the pool's request shrinks. The last member
    leaving closes the pool. Raises NotFound (not a member), IllegalTransition (matched)."""
    pool = _pool(pool_id)
    member = _member(pool, getattr(user, "pesantren_id", None))
    if member is None or not getattr(user, "is_manager", False):
        raise NotFound()
    if pool.state != PoolState.OPEN:
        raise IllegalTransition(_("Patungan ini sudah tidak dapat ditinggalkan."))
    rest = pool.total - member.quantity
    db.session.delete(member)
    db.session.flush()
    db.session.expire(pool, ["members"])
    if rest > 0:
        _resize(pool, rest)
    else:
        _close(pool, "empty")
    record("pool.left", pool, actor=user, pesantren_id=user.pesantren_id, quantity=member.quantity)
    db.session.commit()
    return pool


def _resize(pool: Pool, total: int) -> None:
    """The pool's request quantity follows the members' sum (conditional: only while open and
    nothing of it is committed)."""
    _check_quantity(total)
    result = db.session.execute(
        update(Listing)
        .where(
            Listing.id == pool.listing_id,
            Listing.status == ListingStatus.ACTIVE.value,
            Listing.remaining == Listing.quantity,
        )
        .values(quantity=total, remaining=total, updated_at=utcnow(), version=Listing.version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise IllegalTransition(_("Patungan ini baru saja berubah; muat ulang halaman."))
    db.session.expire_all()


def _take_off_market(pool: Pool, status: ListingStatus) -> None:
    db.session.execute(
        update(Listing)
        .where(Listing.id == pool.listing_id, Listing.status == ListingStatus.ACTIVE.value)
        .values(status=status.value, remaining=0, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def _close(pool: Pool, reason: str) -> None:
    pool.state = PoolState.CLOSED.value
    pool.closed_at = utcnow()
    _take_off_market(pool, ListingStatus.WITHDRAWN)
    for member in pool.members:
        deals.notify_managers(
            member.pesantren_id,
            "pool.closed",
            policy.N_(
                "Patungan %(what)s ditutup tanpa penjual; Anda dapat menjadikan bagian Anda "
                "permintaan sendiri."
            ),
            url=f"/patungan/{pool.id}",
            params={"what": pool.commodity.name_id},
        )
    record("pool.closed", pool, pesantren_id=pool.coordinator_pesantren_id, reason=reason)


def close_unmatched(today: date | None = None) -> int:
    """Close open pools whose window has begun without a seller; members are told (for the
    scheduler). Returns how many. Commits once."""
    today = today or today_wib()
    due = db.session.scalars(
        select(Pool)
        .where(Pool.state == PoolState.OPEN.value, Pool.window_start <= today)
        .order_by(Pool.id)
    ).all()
    for pool in due:
        _close(pool, "unmatched")
    db.session.commit()
    return len(due)


def share_to_request(user, pool_id: int) -> Listing:
    """After the pool closed without a seller, a member turns its share into a request of its
    own (its quantity, the pool's grade, price limit and akad, at its pesantren, the rest of the
    window). Idempotent: a second call gives back the same listing (its form token is the
    share's). Raises NotFound (not a member), IllegalTransition (the pool is not closed),
    Invalid (the listing rules)."""
    pool = _pool(pool_id)
    member = _member(pool, getattr(user, "pesantren_id", None))
    if member is None or not getattr(user, "is_manager", False):
        raise NotFound()
    if pool.state != PoolState.CLOSED:
        raise IllegalTransition(
            _("Bagian dapat dijadikan permintaan sendiri setelah patungan ditutup.")
        )
    if member.own_listing_id is not None:
        return db.session.get(Listing, member.own_listing_id)
    start = max(pool.window_start, today_wib())
    listing, _warnings = listings.create_listing(
        user,
        listings.ListingInput(
            side=Side.REQUEST.value,
            commodity=pool.commodity.slug,
            quantity=member.quantity,
            grade=pool.commodity.grade_label(pool.grade),
            price=pool.price,
            window_start=start,
            window_end=max(start, pool.window_end),
            akad=tuple(pool.akad),
            client_token=f"pool-share-{member.id}",
        ),
    )
    # create_listing committed the listing; the link to the share is a second, harmless step
    # (a retry finds the listing by its token).
    member = db.session.get(PoolMember, member.id)
    member.own_listing_id = listing.id
    record(
        "pool.share_to_request",
        pool,
        actor=user,
        pesantren_id=user.pesantren_id,
        listing=listing.id,
    )
    db.session.commit()
    return listing


def agree(seller, pool_id: int, offer_id: int, proposal_id: int | None = None) -> list[int]:
    """The seller agrees to the pool with its offer: every member gets its own deal (its
    quantity, the pool's price and akad, delivered to the hub), waiting for that member's
    signature; the pool's request leaves the market. The price is the clearing run's proposal
    delivered to the hub (``proposal_id``), else the pool's price limit. Returns the deal ids.
    Raises NotFound, Invalid (TermsRefused), IllegalTransition (not open)."""
    pool = _pool(pool_id)
    if pool.state != PoolState.OPEN:
        raise IllegalTransition(_("Patungan ini sudah tidak terbuka."))
    offer = db.session.get(Listing, offer_id)
    if offer is None or offer.pesantren_id != getattr(seller, "pesantren_id", None):
        raise NotFound()
    if _member(pool, offer.pesantren_id) is not None:
        raise Invalid(_("Anggota patungan tidak dapat menjadi penjualnya."))
    if offer.commodity_id != pool.commodity_id or offer.grade < pool.grade:
        raise Invalid(_("Penawaran Anda tidak sesuai komoditas atau mutu patungan ini."))
    akad = next((a for a in pool.akad if a in (offer.akad or [])), None)
    if akad is None:
        raise Invalid(_("Penawaran Anda tidak menerima akad yang diterima patungan ini."))
    price = pool.price
    if proposal_id is not None:
        proposal = db.session.get(Proposal, proposal_id)
        if (
            proposal is None
            or (proposal.offer_id, proposal.request_id) != (offer.id, pool.listing_id)
            or proposal.status != ProposalStatus.PROPOSED
        ):
            raise NotFound()
        price = min(pool.price, proposal.price + math.ceil(proposal.transport_cost_per_unit))
        akad = proposal.akad or akad
    handover = max(pool.window_start, today_wib() + timedelta(days=1), offer.window_start)
    shares = [deals.Share(m.pesantren_id, m.quantity) for m in pool.members]
    opened = deals.open_shares(
        seller, offer.id, shares, price, akad, handover, pool.hub_address, proposal_id
    )
    for member, deal in zip(pool.members, opened, strict=True):
        member.deal_id = deal.id
    if proposal_id is not None and not matching.mark_acted(proposal_id, opened[0].id):
        db.session.rollback()
        raise IllegalTransition(_("Usulan ini sudah ditindaklanjuti atau tidak berlaku lagi."))
    pool.state = PoolState.MATCHED.value
    pool.offer_id, pool.unit_price, pool.agreed_akad = offer.id, price, akad
    pool.handover_date = handover
    _take_off_market(pool, ListingStatus.FULFILLED)
    record("pool.matched", pool, actor=seller, pesantren_id=seller.pesantren_id, offer=offer.id)
    db.session.commit()
    return [d.id for d in opened]


def ship_to_hub(seller, pool_id: int, note: str = "") -> list[int]:
    """One shipment to the hub: the seller ships every signed share (``deals.ship_shares``).
    Returns the deal ids shipped. Raises NotFound (not the pool's seller), Invalid."""
    pool = _pool(pool_id)
    ids = [m.deal_id for m in pool.members if m.deal_id is not None]
    if pool.state != PoolState.MATCHED or not ids:
        raise NotFound()
    shipped = deals.ship_shares(seller, ids, note)
    record("pool.shipped", pool, actor=seller, pesantren_id=seller.pesantren_id, n=len(shipped))
    db.session.commit()
    return [d.id for d in shipped]


def _pool(pool_id: int) -> Pool:
    pool = db.session.get(Pool, pool_id) if pool_id else None
    if pool is None:
        raise NotFound()
    return pool


def _member(pool: Pool, pesantren_id: int | None) -> PoolMember | None:
    return next((m for m in pool.members if m.pesantren_id == pesantren_id), None)
