"""Shared bits for the listing tests."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from exchange.audit.models import AuditEvent
from exchange.clock import today_wib
from exchange.extensions import db
from exchange.listings.models import Listing
from exchange.listings.rules import ListingInput


def salt_offer(**kw) -> ListingInput:
    today = today_wib()
    values = {
        "side": "offer",
        "commodity": "garam_krosok",
        "quantity": 5000,
        "grade": "K2",
        "price": 1400,
        "window_start": today,
        "window_end": today + timedelta(days=30),
        "akad": ("tunai", "tempo"),
    }
    values.update(kw)
    return ListingInput(**values)


def form_data(**kw) -> dict:
    today = today_wib()
    data = {
        "commodity": "garam_krosok",
        "grade": "K1",
        "quantity": "5.000",
        "price": "1400",
        "window_start": today.isoformat(),
        "window_end": (today + timedelta(days=20)).isoformat(),
        "akad": ["tunai"],
        "client_token": "token-" + str(kw.pop("n", 1)),
        "note": "",
    }
    data.update(kw)
    return data


def count_listings() -> int:
    return db.session.scalar(select(func.count()).select_from(Listing))


def events(kind: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.kind == kind)))
