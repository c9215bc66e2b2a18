"""Staff moderation: hide a listing (with a reason its manager sees) and show it again."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from exchange.akad import N_
from exchange.audit.services import record
from exchange.auth.permissions import require_staff
from exchange.db import utcnow
from exchange.deals.notify import notify_managers
from exchange.errors import IllegalTransition, Invalid, NotFound
from exchange.extensions import db
from exchange.listings.models import Listing, ListingStatus

REASON_MAX = 500
# What the listing's managers read (a msgid, shown in each reader's language).
HIDDEN_MESSAGE = N_("Staf OPOP menyembunyikan listing %(listing)s dari pasar. Alasan: %(reason)s")


def hide_listing(staff, listing_id: int, reason: str) -> Listing:
    """Hide an active listing from the market; the reason is shown to its manager.

    Raises NotFound (not staff, or no such listing), Invalid (no reason), IllegalTransition
    (the listing is not active).
    """
    require_staff(staff)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_l("Tuliskan alasan yang akan dibaca pengelola."), field="reason")
    if len(reason) > REASON_MAX:
        raise Invalid(_l("Alasan paling banyak 500 karakter."), field="reason")
    listing = db.session.get(Listing, listing_id)
    if listing is None:
        raise NotFound()
    if listing.status != ListingStatus.ACTIVE:
        raise IllegalTransition(_l("Hanya listing yang aktif yang dapat disembunyikan."))
    listing.status = ListingStatus.HIDDEN.value
    listing.status_reason = reason
    listing.updated_at = utcnow()
    listing.version += 1
    record("listing.hidden", listing, actor=staff, pesantren_id=listing.pesantren_id, reason=reason)
    notify_managers(
        listing.pesantren_id,
        "listing.hidden",
        HIDDEN_MESSAGE,
        url=f"/pasar/{listing.id}",
        params={"listing": f"#{listing.id}", "reason": reason},
    )
    db.session.commit()
    return listing


def unhide_listing(staff, listing_id: int) -> Listing:
    """Show a hidden listing again (active; fulfilled when nothing remains). Clears the reason.

    Raises NotFound (not staff, or no such listing), IllegalTransition (not hidden).
    """
    require_staff(staff)
    listing = db.session.get(Listing, listing_id)
    if listing is None:
        raise NotFound()
    if listing.status != ListingStatus.HIDDEN:
        raise IllegalTransition(_l("Listing ini tidak sedang disembunyikan."))
    listing.status = (
        ListingStatus.ACTIVE.value if listing.remaining > 0 else ListingStatus.FULFILLED.value
    )
    previous = listing.status_reason
    listing.status_reason = None
    listing.updated_at = utcnow()
    listing.version += 1
    record(
        "listing.unhidden",
        listing,
        actor=staff,
        pesantren_id=listing.pesantren_id,
        previous_reason=previous,
    )
    db.session.commit()
    return listing
