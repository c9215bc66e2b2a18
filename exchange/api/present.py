"""Domain objects as the API's bodies (schemas.py): reads only, no rule of their own."""

from __future__ import annotations

from flask_babel import gettext

from exchange.api import schemas


def listing(x, distance_km: float | None = None) -> schemas.Listing:
    return schemas.Listing(
        id=x.id,
        side=x.side,
        status=x.status,
        pesantren_id=x.pesantren_id,
        pesantren_name=x.pesantren.name,
        regency_code=x.pesantren.regency_code,
        commodity=x.commodity.slug,
        unit=x.commodity.unit,
        grade=x.commodity.grade_label(x.grade),
        quantity=x.quantity,
        remaining=x.remaining,
        min_quantity=x.min_quantity,
        price=x.price,
        window_start=x.window_start,
        window_end=x.window_end,
        lat=x.lat,
        lon=x.lon,
        max_distance_km=x.max_distance_km,
        akad=list(x.akad or []),
        note=x.note or "",
        halal_cert=x.halal_cert,
        made_to_order=bool(x.made_to_order),
        version=x.version,
        created_at=x.created_at,
        updated_at=x.updated_at or x.created_at,
        distance_km=None if distance_km is None else round(distance_km, 1),
    )


def suggestion(row) -> schemas.Suggestion:
    return schemas.Suggestion(
        listing_id=row.listing_id,
        side=row.side,
        pesantren_id=row.pesantren_id,
        pesantren_name=row.pesantren_name,
        regency=row.regency,
        grade=row.grade_label,
        remaining=row.remaining,
        price=row.price,
        window_start=row.window_start,
        window_end=row.window_end,
        fair_price=row.fair_price,
        akad=row.akad,
    )


def awaited(d, by_side: dict) -> list[schemas.Awaited]:
    """``by_side``: deals' ``facts.awaited_by_side`` (side -> the move it waits for)."""
    return [
        schemas.Awaited(side=side, pesantren_id=d.pesantren_of(side).id, action=action)
        for side, action in by_side.items()
    ]


def deal_summary(d, by_side: dict) -> schemas.DealSummary:
    return schemas.DealSummary(
        id=d.id,
        state=d.state,
        whose_turn=d.whose_turn,
        awaited_action=awaited(d, by_side),
        seller_pesantren_id=d.seller_pesantren_id,
        buyer_pesantren_id=d.buyer_pesantren_id,
        commodity=d.commodity.slug,
        terms_version=d.terms_version,
        version=d.version,
        created_at=d.created_at,
        updated_at=d.last_move_at,
    )


def deal(
    d, user, amount_due: int, by_side: dict, moves: list, bundle=None, candidates=()
) -> schemas.Deal:
    """``by_side`` and ``moves``: deals' ``facts.awaited_by_side`` and ``facts.moves_of``;
    ``bundle`` the deal's reciprocal bundle and ``candidates`` the deals it may be tied with."""
    side = d.side_of(user.pesantren_id) if user.pesantren_id else None
    contract = getattr(d, "contract", None)
    return schemas.Deal(
        id=d.id,
        state=d.state,
        whose_turn=d.whose_turn,
        my_side=str(side) if side else None,
        awaited_action=awaited(d, by_side),
        my_actions=list(moves),
        seller_pesantren_id=d.seller_pesantren_id,
        buyer_pesantren_id=d.buyer_pesantren_id,
        offer_id=d.offer_id,
        request_id=d.request_id,
        commodity=d.commodity.slug,
        terms_version=d.terms_version,
        accepted_version=d.accepted_version,
        version=d.version,
        contract_number=contract.number if contract is not None else None,
        unit=d.commodity.unit,
        amount_due=amount_due,
        paid=d.paid - d.refunded,
        balance=amount_due - (d.paid - d.refunded),
        signed_at=d.signed_at,
        created_at=d.created_at,
        updated_at=d.last_move_at,
        versions=[schemas.TermsVersion.model_validate(v) for v in d.versions],
        payments=[schemas.Payment.model_validate(p) for p in d.payments],
        delivery=schemas.Delivery.model_validate(d.delivery) if d.delivery else None,
        bundle=_bundle(bundle, d.id) if bundle is not None else None,
        bundle_candidates=[c.id for c in candidates],
    )


def _bundle(b, deal_id: int) -> schemas.DealBundle:
    return schemas.DealBundle(
        id=b.id,
        other_deal_id=b.leg_b_id if b.leg_a_id == deal_id else b.leg_a_id,
        settled=b.settled_at is not None,
        untie_asked_by=b.untie_requested_by,
        breached=b.breach_at is not None,
    )


def notification(n) -> schemas.Notification:
    return schemas.Notification(
        id=n.id,
        deal_id=n.deal_id,
        kind=n.kind,
        message=gettext(n.message, **(n.params or {})),
        template=n.message,
        params=n.params or {},
        read=n.read_at is not None,
        created_at=n.created_at,
    )
