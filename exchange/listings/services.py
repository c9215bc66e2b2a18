"""Use cases that change listings: post, edit, withdraw, expire. Each commits once."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from exchange.akad import AKAD_ORDER
from exchange.audit.services import record
from exchange.auth.permissions import require_own, require_trader
from exchange.catalogue.models import Commodity
from exchange.clock import today_wib
from exchange.db import utcnow
from exchange.errors import Forbidden, IllegalTransition, Invalid, NotFound
from exchange.extensions import db
from exchange.listings import policy, rules
from exchange.listings.geo import unit_vector
from exchange.listings.messages import halal_missing, halal_warning, message, price_warning
from exchange.listings.models import Listing, ListingStatus, Side
from exchange.pesantren.validation import normalise_halal

# The input of a listing, for the domains that post one for a user (pools: a member's share).
ListingInput = rules.ListingInput

# The fields an edit may change, as recorded in the audit event.
EDITABLE = (
    "commodity_id",
    "grade",
    "quantity",
    "min_quantity",
    "price",
    "window_start",
    "window_end",
    "lat",
    "lon",
    "place_name",
    "max_distance_km",
    "akad",
    "note",
    "halal_cert",
    "made_to_order",
)


class InvalidListing(Invalid):
    """A refused form: ``errors`` maps each field to its message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__(_("Periksa kembali isian yang ditandai."))

    @property
    def details(self) -> list[tuple]:
        return [(text, name) for name, text in self.errors.items()]


def limits() -> rules.Limits:
    cfg, base = current_app.config, rules.Limits()
    return rules.Limits(
        max_quantity=int(cfg.get("LISTING_MAX_QUANTITY", base.max_quantity)),
        max_price=int(cfg.get("LISTING_MAX_PRICE", base.max_price)),
        max_distance_km=float(cfg.get("LISTING_MAX_DISTANCE_KM", base.max_distance_km)),
        max_note=int(cfg.get("LISTING_MAX_NOTE", base.max_note)),
        max_window_days=int(cfg.get("LISTING_MAX_WINDOW_DAYS", base.max_window_days)),
    )


def check_trader(user) -> None:
    """Raise Forbidden with a clear reason unless the user may post listings."""
    pesantren = getattr(user, "pesantren", None) if getattr(user, "is_manager", False) else None
    if pesantren is not None and not pesantren.is_verified:
        raise Forbidden(
            _(
                "Pesantren Anda belum terverifikasi. Listing dapat dibuat setelah staf OPOP "
                "memverifikasinya."
            )
        )
    require_trader(user)


def problems(inp: rules.ListingInput, previous_start: date | None = None) -> dict[str, str]:
    """The field errors for an input, translated (empty when it is valid). Stores nothing."""
    commodity = _commodity(inp.commodity)
    found = rules.check(inp, _facts(commodity), today_wib(), limits(), previous_start)
    return {p.field: message(p) for p in found}


def create_listing(user, inp: rules.ListingInput, commit: bool = True) -> tuple[Listing, list[str]]:
    """Post an offer or a request for the user's own pesantren. Returns (listing, warnings).

    The same ``client_token`` sent twice gives back the first listing. ``commit=False``: a
    batch (a spreadsheet upload) commits once for all its rows. Raises Forbidden (not a
    trader), InvalidListing (field errors), Invalid (MAX_ACTIVE_LISTINGS reached)."""
    check_trader(user)
    pesantren = user.pesantren
    if inp.client_token and (existing := _by_token(inp.client_token, pesantren.id)):
        return existing, []
    _require_room(pesantren.id)
    commodity, inp, warnings = _validated(inp, pesantren)
    listing = Listing(side=inp.side, pesantren_id=pesantren.id, created_by_id=user.id)
    _apply(listing, inp, commodity)
    listing.remaining = listing.quantity
    listing.status = ListingStatus.ACTIVE.value
    listing.client_token = inp.client_token or None
    db.session.add(listing)
    try:
        db.session.flush()
    except IntegrityError:
        if not commit:
            raise  # a batch's rows are all written or none
        # The twin request committed the same token first: hand back its listing.
        db.session.rollback()
        if existing := _by_token(inp.client_token, pesantren.id):
            return existing, []
        raise
    record("listing.created", listing, actor=user, pesantren_id=pesantren.id, side=inp.side)
    if commit:
        db.session.commit()
    return listing, warnings


def _require_room(pesantren_id: int) -> None:
    """A pesantren holds at most MAX_ACTIVE_LISTINGS active listings (a spreadsheet or an
    integration cannot flood the market). Two posts at once may pass it by one."""
    cap = int(current_app.config["MAX_ACTIVE_LISTINGS"])
    active = db.session.scalar(
        select(func.count()).where(
            Listing.pesantren_id == pesantren_id, Listing.status == ListingStatus.ACTIVE
        )
    )
    if active >= cap:
        raise Invalid(
            _(
                "Pesantren ini sudah memasang %(n)d listing aktif, batas terbanyak; tarik "
                "listing yang tidak berlaku lagi dahulu.",
                n=cap,
            )
        )


def update_listing(
    user, listing_id: int, inp: rules.ListingInput, commit: bool = True
) -> tuple[Listing, list[str]]:
    """Change a listing while nothing of it is committed to deals (``commit=False``: as part of
    a batch). Raises NotFound (not yours), IllegalTransition (committed or closed),
    InvalidListing."""
    listing = _own(user, listing_id)
    check_trader(user)
    if not listing.is_editable:
        raise IllegalTransition(
            _(
                "Listing ini tidak dapat diubah lagi: sebagian sudah terikat kesepakatan "
                "atau listing sudah ditutup."
            )
        )
    inp = replace(inp, side=listing.side)
    commodity, inp, warnings = _validated(inp, listing.pesantren, listing.window_start)
    before = {name: getattr(listing, name) for name in EDITABLE}
    draft = Listing()
    _apply(draft, inp, commodity)
    changes = {n: getattr(draft, n) for n in EDITABLE if getattr(draft, n) != before[n]}
    if not changes:
        return listing, warnings
    version = listing.version
    result = db.session.execute(
        update(Listing)
        .where(
            Listing.id == listing.id,
            Listing.version == version,
            Listing.status == ListingStatus.ACTIVE.value,
            Listing.remaining == Listing.quantity,
        )
        .values(
            **changes,
            remaining=changes.get("quantity", listing.quantity),
            version=version + 1,
            updated_at=utcnow(),
            **_geo_values(draft),
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise IllegalTransition(
            _(
                "Listing ini baru saja berubah (mungkin sudah terikat kesepakatan). "
                "Muat ulang halaman."
            )
        )
    record(
        "listing.updated",
        listing,
        actor=user,
        pesantren_id=listing.pesantren_id,
        changed=",".join(sorted(changes)),
        **{f"before_{k}": before[k] for k in changes},
    )
    if commit:
        db.session.commit()
    db.session.refresh(listing)
    return listing, warnings


def withdraw_listing(user, listing_id: int, commit: bool = True) -> Listing:
    """Withdraw a listing at any time: what is committed stays with its deals, nothing more
    can be taken. Withdrawing twice is harmless. Raises NotFound, IllegalTransition."""
    listing = _own(user, listing_id)
    if listing.status == ListingStatus.WITHDRAWN:
        return listing
    result = db.session.execute(
        update(Listing)
        .where(Listing.id == listing.id, Listing.status == ListingStatus.ACTIVE.value)
        .values(status=ListingStatus.WITHDRAWN.value, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise IllegalTransition(_("Listing ini sudah ditutup dan tidak dapat ditarik."))
    record(
        "listing.withdrawn",
        listing,
        actor=user,
        pesantren_id=listing.pesantren_id,
        committed=listing.committed,
    )
    if commit:
        db.session.commit()
    db.session.refresh(listing)
    return listing


def expire_listings(today: date | None = None) -> int:
    """Mark active listings whose window has passed as expired (for the scheduler)."""
    today = today or today_wib()
    due = db.session.scalars(
        select(Listing).where(
            Listing.status == ListingStatus.ACTIVE.value, Listing.window_end < today
        )
    ).all()
    for listing in due:
        listing.status = ListingStatus.EXPIRED.value
        listing.updated_at = utcnow()
        record(
            "listing.expired",
            listing,
            pesantren_id=listing.pesantren_id,
            window_end=listing.window_end.isoformat(),
        )
    db.session.commit()
    return len(due)


def own_listing(user, listing_id: int) -> Listing:
    """The user's own listing. Raises NotFound for another pesantren's (or a missing) one."""
    return _own(user, listing_id)


def _own(user, listing_id: int) -> Listing:
    listing = db.session.get(Listing, listing_id)
    if listing is None:
        raise NotFound()
    require_own(user, listing.pesantren_id)
    return listing


def listing_for_token(user, token: str | None) -> Listing | None:
    """The listing the user's pesantren already created with this form token, if any (a form
    sent again after Back). Raises Invalid when another pesantren used the token."""
    pesantren_id = getattr(user, "pesantren_id", None)
    if not token or pesantren_id is None:
        return None
    return _by_token(token, pesantren_id)


def _by_token(token: str, pesantren_id: int) -> Listing | None:
    listing = db.session.scalar(select(Listing).where(Listing.client_token == token))
    if listing is not None and listing.pesantren_id != pesantren_id:
        raise Invalid(_("Formulir ini tidak berlaku lagi; muat ulang halaman."))
    return listing


def _commodity(slug: str) -> Commodity | None:
    return db.session.scalar(select(Commodity).where(Commodity.slug == slug, Commodity.active))


def _facts(commodity: Commodity | None) -> rules.CommodityFacts | None:
    if commodity is None:
        return None
    return rules.CommodityFacts(
        commodity.slug, tuple(commodity.grades), commodity.is_food, commodity.made_to_order
    )


def _validated(inp, pesantren, previous_start=None):
    commodity = _commodity(inp.commodity)
    facts = _facts(commodity)
    found = rules.check(inp, facts, today_wib(), limits(), previous_start)
    found += rules.place_problems(inp, (pesantren.lat, pesantren.lon))
    if found:
        raise InvalidListing({p.field: message(p) for p in found})
    if inp.side == Side.OFFER:
        _refuse_salam_relisting(pesantren.id, commodity.id)
    warnings = []
    halal = ""
    if rules.halal_applies(inp.side, facts) and inp.halal_cert.strip():
        halal, format_ok = normalise_halal(inp.halal_cert)
        if not format_ok:
            warnings.append(halal_warning())
    elif rules.halal_applies(inp.side, facts):
        warnings.append(halal_missing())
    official = rules.is_official_reference(commodity.price_source)
    reference = rules.price_ceiling(commodity.slug, inp.grade, commodity.reference_price)
    if code := rules.price_warning(inp.price, reference, ceiling=official):
        warnings.append(price_warning(code, reference, commodity.unit, official, inp.grade))
    lat = inp.lat if inp.lat is not None else pesantren.lat
    lon = inp.lon if inp.lon is not None else pesantren.lon
    own_place = (lat, lon) != (pesantren.lat, pesantren.lon)
    inp = replace(
        inp,
        lat=lat,
        lon=lon,
        place_name=(inp.place_name or "").strip() if own_place else "",
        max_distance_km=inp.max_distance_km if inp.side == Side.REQUEST else None,
        halal_cert=halal,
        note=(inp.note or "").strip(),
    )
    return commodity, inp, warnings


def _refuse_salam_relisting(pesantren_id: int, commodity_id: int) -> None:
    """Salam: a buyer may not offer goods it bought by salam before it has received them."""
    reasons = policy.offer_refusals(pesantren_id, commodity_id)
    if reasons:
        raise InvalidListing({"commodity": " ".join(str(r) for r in reasons)})


def _apply(listing: Listing, inp: rules.ListingInput, commodity: Commodity) -> None:
    listing.commodity_id = commodity.id
    listing.grade = commodity.grade_rank(inp.grade)
    listing.quantity = inp.quantity
    listing.min_quantity = inp.min_quantity
    listing.price = inp.price
    listing.window_start = inp.window_start
    listing.window_end = inp.window_end
    listing.lat = inp.lat
    listing.lon = inp.lon
    listing.place_name = inp.place_name or None
    listing.max_distance_km = inp.max_distance_km
    listing.akad = [a for a in AKAD_ORDER if a in inp.akad]
    listing.note = inp.note
    listing.halal_cert = inp.halal_cert or None
    listing.made_to_order = bool(inp.made_to_order and commodity.made_to_order)


def _geo_values(listing: Listing) -> dict:
    x, y, z = unit_vector(listing.lat, listing.lon)
    return {"geo_x": x, "geo_y": y, "geo_z": z}
