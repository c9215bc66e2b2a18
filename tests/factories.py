"""Small factories with sensible defaults. Call them inside an app context."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from sqlalchemy import select

from exchange.auth.models import Role, User
from exchange.catalogue.models import Commodity
from exchange.clock import today_wib
from exchange.deals.akad import Terms
from exchange.deals.services import open_negotiation
from exchange.extensions import db
from exchange.listings.models import Listing, ListingStatus, Side
from exchange.pesantren.models import Pesantren, PesantrenStatus, Regency

_seq = itertools.count(1)
TEST_PASSWORD = "rahasia-sekali-123"


def commodity(slug: str = "garam_krosok") -> Commodity:
    return db.session.scalar(select(Commodity).where(Commodity.slug == slug))


def make_pesantren(
    name: str | None = None,
    regency_code: str = "3529",
    status: str = PesantrenStatus.VERIFIED,
    **kw,
) -> Pesantren:
    n = next(_seq)
    regency = db.session.get(Regency, regency_code)
    p = Pesantren(
        name=name or f"Pondok Pesantren Uji {n}",
        nspp=kw.pop("nspp", f"5100{regency_code}{n:04d}"[:12].ljust(12, "0")),
        kopontren_name=kw.pop("kopontren_name", f"Kopontren Uji {n}"),
        regency_code=regency_code,
        lat=kw.pop("lat", regency.lat),
        lon=kw.pop("lon", regency.lon),
        phone=kw.pop("phone", "+6281234567890"),
        santri_count=kw.pop("santri_count", 500),
        status=status,
        **kw,
    )
    db.session.add(p)
    db.session.commit()
    return p


def make_user(
    role: str = Role.MANAGER,
    pesantren: Pesantren | None = None,
    email: str | None = None,
    password: str = TEST_PASSWORD,
    **kw,
) -> User:
    n = next(_seq)
    user = User(
        email=email or f"user{n}@contoh.id",
        name=kw.pop("name", f"Pengguna {n}"),
        role=role,
        pesantren_id=pesantren.id if pesantren else None,
        **kw,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def make_manager(regency_code: str = "3529", status: str = PesantrenStatus.VERIFIED, **kw) -> User:
    """A manager together with their own pesantren."""
    pesantren = make_pesantren(regency_code=regency_code, status=status, **kw)
    return make_user(Role.MANAGER, pesantren=pesantren)


def manager_of(pesantren: Pesantren) -> User:
    """A manager of that pesantren: its first one, or a new one."""
    user = db.session.scalar(
        select(User)
        .where(User.pesantren_id == pesantren.id, User.role == Role.MANAGER)
        .order_by(User.id)
    )
    return user or make_user(Role.MANAGER, pesantren=pesantren)


def make_staff(**kw) -> User:
    return make_user(Role.STAFF, **kw)


def make_admin(**kw) -> User:
    return make_user(Role.ADMIN, **kw)


def make_listing(
    pesantren: Pesantren,
    side: str = Side.OFFER,
    slug: str = "garam_krosok",
    quantity: int = 1000,
    price: int = 1500,
    grade: int = 2,
    start: date | None = None,
    days: int = 30,
    **kw,
) -> Listing:
    start = start or today_wib()
    listing = Listing(
        side=side,
        pesantren_id=pesantren.id,
        commodity_id=commodity(slug).id,
        grade=grade,
        quantity=quantity,
        remaining=kw.pop("remaining", quantity),
        price=price,
        window_start=start,
        window_end=start + timedelta(days=days),
        lat=kw.pop("lat", pesantren.lat),
        lon=kw.pop("lon", pesantren.lon),
        akad=kw.pop("akad", ["tunai", "tempo"]),
        status=kw.pop("status", ListingStatus.ACTIVE),
        **kw,
    )
    db.session.add(listing)
    db.session.commit()
    return listing


def deal_terms(**kw):
    """Good cash terms for a deal on garam krosok, a week from today."""
    from dataclasses import replace

    base = Terms(
        quantity=100,
        unit_price=1500,
        akad="tunai",
        handover_date=today_wib() + timedelta(days=7),
        handover_place="Gudang Kopontren",
        transport="seller",
        grade=2,
    )
    return replace(base, **kw)


def make_deal(seller=None, buyer=None, offer=None, terms=None, message: str = "", **listing_kw):
    """A negotiation opened by ``buyer`` (a manager) on ``seller``'s offer: the seller's turn."""
    seller = seller or make_manager()
    buyer = buyer or make_manager(regency_code="3578")
    offer = offer or make_listing(seller.pesantren, **listing_kw)
    deal = open_negotiation(buyer, offer.id, terms=terms or deal_terms(), message=message)
    return deal


def sign(deal, seller, buyer):
    """Accept a negotiation as the side whose turn it is; a murabahah seller first states its
    cost (90% of the price), margin and ownership, then the buyer accepts; a salam seller then
    confirms it received the price (issue 25)."""
    from exchange.deals import acceptance
    from exchange.deals.demo import seller_states_cost

    if deal.current_terms.akad == "murabahah" and deal.current_terms.cost_price is None:
        deal = seller_states_cost(seller, deal.id)
    side = seller if deal.whose_turn == "seller" else buyer
    contract = acceptance.accept(side, deal.id, deal.terms_version)
    confirm_salam(deal.id, seller)
    return contract


def confirm_salam(deal_id: int, seller) -> None:
    """A salam seller confirms it received the price (issue 25); nothing for other akad."""
    from exchange.deals import facts, fulfilment
    from exchange.deals.models import Deal

    deal = db.session.get(Deal, deal_id)
    db.session.refresh(deal)
    if facts.receipt_pending(deal):
        fulfilment.confirm_salam_receipt(seller, deal_id)
