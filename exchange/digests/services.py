"""Running a digest period, building one person's digest, and the reader's choices."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, or_, select
from sqlalchemy.exc import IntegrityError

from exchange.audit.services import record
from exchange.auth.models import DigestFrequency, Role, User
from exchange.db import utcnow
from exchange.digests import match_sources, sources
from exchange.digests.builder import Digest, build_manager_digest
from exchange.digests.models import DigestRecord
from exchange.digests.periods import PERIODS, Window, window
from exchange.digests.render import BabelFormatter, render_email
from exchange.digests.staff_builder import build_staff_digest
from exchange.digests.tokens import read_unsubscribe_token, unsubscribe_token
from exchange.errors import Invalid, NotFound
from exchange.extensions import db
from exchange.mail.outbox import queue_email
from exchange.web.links import Link, link_builder
from exchange.whatsapp import services as whatsapp
from exchange.whatsapp.policy import Kind

log = logging.getLogger(__name__)
STAFF_ROLES = (Role.STAFF.value, Role.ADMIN.value)


@dataclass(frozen=True)
class _Outgoing:
    user_id: int
    email: str
    dedupe_key: str
    item_count: int
    subject: str
    text: str
    html: str
    headers: dict
    # the reader's channels (whatsapp.policy): the e-mail, and the WhatsApp message's
    # (target, body parameters, page) when they chose it
    email_wanted: bool = True
    whatsapp: tuple | None = None


def _check_period(period: str) -> None:
    if period not in PERIODS:
        raise Invalid(_l("Periode ringkasan tidak dikenal."), field="period")


def dedupe_key(period: str, key: str, user_id: int) -> str:
    return f"digest:{period}:{key}:{user_id}"


def run_digests(period: str, now: datetime | None = None) -> dict:
    """Queue this period's digest for everyone due; skip empty ones and ones already queued.

    Commits once per batch of readers, each reader's digest record with its outbox row (an
    empty digest gets a record without one), so a run killed between batches is finished by
    the next run of the same period (``run_finished`` says whether one is needed); a rerun, or
    a second scheduler racing this one, finds the unique (user, period, period_key) and queues
    nothing twice. Returns counts
    ``{"queued", "empty", "skipped"}``. Raises Invalid for an unknown period.
    """
    _check_period(period)
    now = now or utcnow()
    win = window(period, now)
    link = link_builder(current_app)
    counts = {"queued": 0, "empty": 0, "skipped": 0}
    market = sources.market_prices(win, link)
    run = match_sources.load_market(win, now)
    staff = None
    size = current_app.config["DIGEST_BATCH_SIZE"]
    for batch in sources.chunks(_due_user_ids(period, win.key), size):
        users = list(db.session.scalars(select(User).where(User.id.in_(batch))))
        managers = [u for u in users if u.role not in STAFF_ROLES]
        if any(u.role in STAFF_ROLES for u in users) and staff is None:
            staff = sources.staff_rows(win, now, link)
        rows = sources.manager_rows(
            sorted({u.pesantren_id for u in managers}),
            win,
            now,
            link,
            current_app.config["DIGEST_EXPIRING_DAYS"],
            market=market,
            run=run,
        )
        outgoing, empties = [], []
        reach = whatsapp.targets(users)
        for user in sorted(users, key=lambda u: (u.locale, u.id)):
            digest, rendered = _compose(user, win, now, link, rows, staff, reach[user.id])
            if digest.is_empty:
                counts["empty"] += 1
                empties.append(user.id)
            else:
                outgoing.append(rendered)
        queued, skipped = _queue(outgoing, empties, win)
        counts["queued"] += queued
        counts["skipped"] += skipped
    log.info("digests %s %s: %s", period, win.key, counts)
    return counts


def run_finished(period: str, key: str) -> bool:
    """True when every reader due for this period's digest has a record (sent or empty): the
    run of ``key`` ended, and a restarted scheduler has nothing to catch up for it."""
    return not _due_user_ids(period, key, limit=1)


def _due_user_ids(period: str, key: str, limit: int | None = None) -> list[int]:
    already = exists().where(
        DigestRecord.user_id == User.id,
        DigestRecord.period == period,
        DigestRecord.period_key == key,
    )
    return list(
        db.session.scalars(
            select(User.id)
            .where(User.is_active_account.is_(True))
            .where(User.digest_frequency == period)
            .where(
                or_(
                    User.role.in_(STAFF_ROLES),
                    and_(User.role == Role.MANAGER.value, User.pesantren_id.is_not(None)),
                )
            )
            .where(~already)
            .order_by(User.id)
            .limit(limit)
        )
    )


def _compose(user: User, win: Window, now, link: Link, rows, staff, target=None):
    locale = user.locale if user.locale in current_app.config["LANGUAGES"] else "id"
    with force_locale(locale):
        fmt = BabelFormatter(locale)
        digest = _build(user, win, now, link, rows, staff, fmt)
        if digest.is_empty:
            return digest, None
        unsubscribe = link("digests.unsubscribe", token=unsubscribe_token(user.id))
        preferences = link("digests.preferences")
        email = render_email(digest, unsubscribe, preferences, fmt)
        wa = None
        if target is not None and target.wants_whatsapp(Kind.DIGEST):
            label = _l("harian") if win.period == "daily" else _l("mingguan")
            wa = (target, [str(label), str(digest.item_count)], page_url(link, win))
    key = dedupe_key(win.period, win.key, user.id)
    headers = {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "X-Digest-Key": key,
    }
    return digest, _Outgoing(
        user.id,
        user.email,
        key,
        digest.item_count,
        email.subject,
        email.text,
        email.html,
        headers,
        email_wanted=target is None or target.wants_email(Kind.DIGEST),
        whatsapp=wa,
    )


def page_url(link: Link, win: Window) -> str:
    return link("digests.show", periode=win.period)


def _build(user, win, now, link, rows, staff, fmt) -> Digest:
    page = link("digests.show", periode=win.period)
    if user.role in STAFF_ROLES:
        return build_staff_digest(staff, win, now, fmt, page)
    return build_manager_digest(rows[user.pesantren_id], win, now, fmt, page)


def _queue(outgoing: list[_Outgoing], empties: list[int], win: Window) -> tuple[int, int]:
    """Queue a batch in one transaction, with the records of the readers whose digest was
    empty; on a duplicate, fall back to one commit per reader. Returns (queued, skipped)."""
    if not outgoing and not empties:
        return 0, 0
    try:
        for item in outgoing:
            _queue_one(item, win)
        for user_id in empties:
            _record_empty(user_id, win)
        db.session.commit()
        return len(outgoing), 0
    except IntegrityError:
        db.session.rollback()
    queued = skipped = 0
    for item in [*outgoing, *empties]:
        try:
            if isinstance(item, _Outgoing):
                _queue_one(item, win)
            else:
                _record_empty(item, win)
            db.session.commit()
            queued += isinstance(item, _Outgoing)
        except IntegrityError:
            db.session.rollback()
            skipped += isinstance(item, _Outgoing)
    return queued, skipped


def _record_empty(user_id: int, win: Window) -> None:
    db.session.add(
        DigestRecord(user_id=user_id, period=win.period, period_key=win.key, item_count=0)
    )


def _queue_one(item: _Outgoing, win: Window) -> None:
    message = None
    if item.email_wanted:
        message = queue_email(
            item.email,
            item.subject,
            item.text,
            item.html,
            item.headers,
            dedupe_key=item.dedupe_key,
            flush=False,  # the batch is inserted at commit, many rows per statement
        )
    if item.whatsapp is not None:
        target, body, url = item.whatsapp
        whatsapp.queue_message(target, Kind.DIGEST, body, url, dedupe_key="wa:" + item.dedupe_key)
    db.session.add(
        DigestRecord(
            user_id=item.user_id,
            period=win.period,
            period_key=win.key,
            item_count=item.item_count,
            outbox=message,
        )
    )


def digest_for(user: User, period: str, now: datetime | None = None) -> Digest:
    """The reader's digest as it stands now, in the current locale (for the site)."""
    _check_period(period)
    now = now or utcnow()
    win = window(period, now)
    link = link_builder(current_app)
    fmt = BabelFormatter(str(get_locale() or "id"))
    if user.role in STAFF_ROLES:
        return _build(user, win, now, link, None, sources.staff_rows(win, now, link), fmt)
    if user.pesantren_id is None:
        raise NotFound()
    rows = sources.manager_rows(
        [user.pesantren_id], win, now, link, current_app.config["DIGEST_EXPIRING_DAYS"]
    )
    return _build(user, win, now, link, rows, None, fmt)


def unsubscribe(token: str) -> User:
    """Stop the token's owner's digests. Raises NotFound for a bad token."""
    user_id = read_unsubscribe_token(token)
    user = db.session.get(User, user_id) if user_id is not None else None
    if user is None:
        raise NotFound()
    if user.digest_frequency != DigestFrequency.NONE:
        previous = user.digest_frequency
        user.digest_frequency = DigestFrequency.NONE.value
        record("digest.unsubscribed", user, actor=user, previous=previous)
        db.session.commit()
    return user


def set_frequency(user: User, frequency: str) -> None:
    """Change the reader's digest frequency. Raises Invalid for an unknown choice."""
    if frequency not in {f.value for f in DigestFrequency}:
        raise Invalid(_l("Pilih harian, mingguan atau tidak sama sekali."), field="frequency")
    if user.digest_frequency != frequency:
        previous = user.digest_frequency
        user.digest_frequency = frequency
        record("digest.frequency", user, actor=user, previous=previous, frequency=frequency)
        db.session.commit()
