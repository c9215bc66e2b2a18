"""The same-session rule of a ribawi reciprocal bundle after signing (DOMAIN.md 7.5): when a
leg's handover record may be written, when a leg may complete, and flagging a breach. Used by
``fulfilment``; the pure rule is ``ribawi``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from exchange.audit.services import record
from exchange.clock import to_wib, today_wib
from exchange.deals import checks, queries, ribawi
from exchange.deals.models import Deal, DealEvent
from exchange.deals.notify import notify
from exchange.errors import Invalid
from exchange.extensions import db


def ribawi_bundle_session(deal: Deal):
    """Ribawi legs of one class are handed over in the session of the settlement: the BAST of
    such a leg is recorded on the day the bundle's net amount is recorded. Before that day has
    passed the BAST waits for the settlement (refused); once it has passed (the settlement was
    on an earlier day, or the handover day went by unsettled) what happened is recorded and the
    bundle returned, to be flagged as a breach (``flag_breach``). None: nothing to flag."""
    bundle = queries.bundle_of(deal.id)
    if bundle is None:
        return None
    if not ribawi.same_class(checks.ribawi_leg(bundle.leg_a), checks.ribawi_leg(bundle.leg_b)):
        return None
    today = today_wib()
    if bundle.settled_at is not None and to_wib(bundle.settled_at).date() == today:
        return None
    late = bundle.settled_at is not None or today > deal.current_terms.handover_date
    if not late:
        raise Invalid(
            _l(
                "Barang ribawi dalam paket timbal balik diserahkan dalam satu majelis: catat "
                "selisih paket dan kedua berita acara pada hari yang sama."
            )
        )
    return bundle


def refuse_half_handed_ribawi_bundle(deal: Deal) -> None:
    """A leg of a ribawi bundle completes once both legs were handed over (the exchange may
    still have to be undone, ``reciprocal.untie_bundle``)."""
    bundle = queries.bundle_of(deal.id)
    if bundle is None:
        return
    if not ribawi.same_class(checks.ribawi_leg(bundle.leg_a), checks.ribawi_leg(bundle.leg_b)):
        return
    if bundle.leg_a.delivery is None or bundle.leg_b.delivery is None:
        raise Invalid(
            _l(
                "Barang ribawi paket timbal balik: kesepakatan diselesaikan setelah kedua barang "
                "diserahkan."
            )
        )


def flag_breach(bundle, deal: Deal, actor, now) -> None:
    """The same-session rule of a ribawi bundle is breached: flag it (once), record it on both
    legs, and tell both parties the remedy (undo the exchange, settle each sale in cash)."""
    if bundle.breach_at is None:
        bundle.breach_at = now
    for leg in (bundle.leg_a, bundle.leg_b):
        db.session.add(
            DealEvent(
                deal_id=leg.id,
                action="ribawi_breach",
                actor_id=actor.id,
                actor_side=leg.side_of(actor.pesantren_id),
                from_state=leg.state,
                to_state=leg.state,
                terms_version=leg.terms_version,
                note=f"BAST #{deal.id} tidak dalam satu majelis dengan paket",
                created_at=now,
            )
        )
    for pesantren_id in (deal.seller_pesantren_id, deal.buyer_pesantren_id):
        notify(deal, pesantren_id, "ribawi_breach")
    record("deal.ribawi_breach", bundle, actor=actor, pesantren_id=actor.pesantren_id, deal=deal.id)
