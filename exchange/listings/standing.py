"""Kebutuhan rutin: standing requests and the period requests they post.

Each period the scheduler's daily job (``post_standing``) posts the period's request as an
ordinary request listing through ``services.create_listing`` (every listing rule applies), with
the token ``standing-<id>-<period start>`` so that a second run the same day posts nothing. The
manager is told by e-mail and may edit or withdraw (skip) that period's request like any
listing, or skip the next period before it is posted.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from exchange.audit.services import record
from exchange.auth.permissions import require_own
from exchange.catalogue.models import Commodity
from exchange.clock import today_wib
from exchange.db import utcnow
from exchange.errors import DomainError, IllegalTransition, Invalid, NotFound
from exchange.extensions import db
from exchange.listings import services
from exchange.listings.cadence import MAX_WINDOW_DAYS, Cadence, due_period, next_start
from exchange.listings.models import ListingStatus, Side
from exchange.listings.rules import ListingInput
from exchange.listings.standing_models import StandingRequest
from exchange.mail.outbox import queue_email
from exchange.web.links import link_builder


def create_standing(
    user, inp: ListingInput, cadence: str, until: date | None = None
) -> StandingRequest:
    """A standing request whose first period is ``inp``'s window (posted at once when it has
    begun). Raises Forbidden (not a trader), InvalidListing, Invalid (cadence, end date,
    a window longer than 31 days)."""
    services.check_trader(user)
    if cadence not in {c.value for c in Cadence}:
        raise Invalid(_("Pilih setiap minggu, setiap dua minggu atau setiap bulan."), "cadence")
    inp = replace(inp, side=Side.REQUEST, client_token=None)
    commodity, checked, _warnings = services._validated(inp, user.pesantren)
    days = (checked.window_end - checked.window_start).days + 1
    if days > MAX_WINDOW_DAYS:
        raise Invalid(
            _("Jangka setiap periode paling lama %(n)d hari.", n=MAX_WINDOW_DAYS), "window_end"
        )
    if until is not None and until < checked.window_start:
        raise Invalid(_("Tanggal berhenti tidak boleh sebelum periode pertama."), "until")
    standing = StandingRequest(
        pesantren_id=user.pesantren_id,
        created_by_id=user.id,
        commodity_id=commodity.id,
        grade=commodity.grade_rank(checked.grade),
        quantity=checked.quantity,
        min_quantity=checked.min_quantity,
        price=checked.price,
        akad=list(checked.akad),
        max_distance_km=checked.max_distance_km,
        note=checked.note,
        cadence=cadence,
        window_days=days,
        anchor_day=checked.window_start.day,
        next_start=checked.window_start,
        until=until,
        skips=[],
    )
    db.session.add(standing)
    db.session.flush()
    record("standing.created", standing, actor=user, pesantren_id=user.pesantren_id)
    db.session.commit()
    _post(standing, today_wib())
    return standing


def repeat_listing(user, listing_id: int, cadence: str, until: date | None) -> StandingRequest:
    """Make an own request repeat: its terms each period from the one after its window.
    Raises NotFound (not yours), Invalid (not an active request), as ``create_standing``."""
    listing = services.own_listing(user, listing_id)
    if listing.side != Side.REQUEST or listing.status != ListingStatus.ACTIVE:
        raise Invalid(_("Hanya permintaan yang masih aktif dapat diulang."))
    span = listing.window_end - listing.window_start
    start = next_start(listing.window_start, cadence) if cadence in set(Cadence) else None
    today = today_wib()
    if start is not None and start < today:
        start = today
    inp = ListingInput(
        side=Side.REQUEST,
        commodity=listing.commodity.slug,
        quantity=listing.quantity,
        grade=listing.commodity.grade_label(listing.grade),
        price=listing.price,
        window_start=start,
        window_end=start + span if start else None,
        max_distance_km=listing.max_distance_km,
        akad=tuple(listing.akad),
        note=listing.note,
        min_quantity=listing.min_quantity,
    )
    return create_standing(user, inp, cadence, until)


def own_standing(user, standing_id: int) -> StandingRequest:
    standing = db.session.get(StandingRequest, standing_id)
    if standing is None:
        raise NotFound()
    require_own(user, standing.pesantren_id)
    return standing


def stop_standing(user, standing_id: int) -> StandingRequest:
    """No more periods are posted (the ones posted stay). Raises NotFound."""
    standing = own_standing(user, standing_id)
    if standing.stopped_at is None:
        standing.stopped_at = utcnow()
        record("standing.stopped", standing, actor=user, pesantren_id=standing.pesantren_id)
        db.session.commit()
    return standing


def skip_next(user, standing_id: int) -> date:
    """The next period is not posted. Returns its first day. Raises NotFound,
    IllegalTransition (stopped, or past its end date)."""
    standing = own_standing(user, standing_id)
    if not standing.is_running:
        raise IllegalTransition(_("Kebutuhan rutin ini sudah berhenti."))
    day = standing.next_start.isoformat()
    if day not in standing.skips:
        standing.skips = [*standing.skips, day]
        record("standing.skipped", standing, actor=user, pesantren_id=standing.pesantren_id)
        db.session.commit()
    return standing.next_start


def own_standings(user) -> list[StandingRequest]:
    return list(
        db.session.scalars(
            select(StandingRequest)
            .where(StandingRequest.pesantren_id == user.pesantren_id)
            .order_by(StandingRequest.stopped_at.is_not(None), StandingRequest.id.desc())
        )
    )


def post_standing(today: date | None = None) -> int:
    """Post the period request of every running standing request whose period has begun (the
    scheduler's daily job). Returns how many requests were posted."""
    today = today or today_wib()
    due = db.session.scalars(
        select(StandingRequest.id).where(
            StandingRequest.stopped_at.is_(None), StandingRequest.next_start <= today
        )
    ).all()
    return sum(_post(db.session.get(StandingRequest, i), today) for i in due)


def _post(standing: StandingRequest, today: date) -> bool:
    """Post the period that has begun, if any; each standing request commits on its own."""
    if not standing.is_running or standing.next_start > today:
        return False
    period, following = due_period(
        standing.next_start, standing.window_days, standing.cadence, today, standing.anchor_day
    )
    standing.next_start = following
    if period is None or (standing.until and period.start > standing.until):
        db.session.commit()
        return False
    if period.start.isoformat() in standing.skips:
        db.session.commit()
        return False
    user = standing.created_by
    inp = ListingInput(
        side=Side.REQUEST,
        commodity=standing.commodity.slug,
        quantity=standing.quantity,
        grade=standing.commodity.grade_label(standing.grade),
        price=standing.price,
        window_start=period.window_start,
        window_end=period.window_end,
        max_distance_km=standing.max_distance_km,
        akad=tuple(standing.akad),
        note=standing.note,
        min_quantity=standing.min_quantity,
        client_token=f"standing-{standing.id}-{period.start.isoformat()}",
    )
    try:
        listing, _warnings = services.create_listing(user, inp, commit=False)
    except DomainError as exc:
        db.session.rollback()
        standing = db.session.get(StandingRequest, standing.id)
        standing.next_start = following
        record(
            "standing.refused",
            standing,
            pesantren_id=standing.pesantren_id,
            period=period.start.isoformat(),
            reason=str(exc.message),
        )
        db.session.commit()
        return False
    record(
        "standing.posted",
        standing,
        pesantren_id=standing.pesantren_id,
        listing=listing.id,
        period=period.start.isoformat(),
    )
    _tell(standing, listing, period)
    db.session.commit()
    return True


def _tell(standing: StandingRequest, listing, period) -> None:
    link = link_builder(current_app)
    user = standing.created_by
    if not user.is_active:
        return
    with force_locale(user.locale or "id"):
        subject = _(
            "Kebutuhan rutin diposting: %(name)s", name=standing.commodity.name(user.locale or "id")
        )
        text = render_template(
            "mail/standing_posted.txt",
            user=user,
            standing=standing,
            listing=listing,
            period=period,
            detail=link("listings.detail", listing_id=listing.id),
            edit=link("listings.edit", listing_id=listing.id),
            standing_page=link("listings.standing"),
        )
    queue_email(user.email, subject, text)


def commodity_by_slug(slug: str) -> Commodity | None:
    return db.session.scalar(select(Commodity).where(Commodity.slug == slug))
