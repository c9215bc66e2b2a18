"""The daily reminder: one short e-mail to each manager whose pesantren has deals waiting on it.

Runs from the scheduler (``flask --app wsgi exchange send-reminders``). The e-mails go through
the outbox with one dedupe key per reader per WIB day, so a rerun the same day queues nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from exchange.auth.models import Role, User
from exchange.clock import today_wib
from exchange.db import utcnow
from exchange.deals import facts
from exchange.deals.facts import context, payment_due
from exchange.deals.labels import awaited_label
from exchange.deals.models import Deal
from exchange.deals.notify import deal_label
from exchange.deals.states import OPEN, Action, Side, awaited_action
from exchange.extensions import db
from exchange.i18n import rupiah, short_date
from exchange.mail.models import OutboxMessage
from exchange.mail.outbox import queue_email
from exchange.web.links import link_builder

MAX_LISTED = 10  # deals named in one e-mail; the rest are counted


@dataclass(frozen=True)
class Waiting:
    """One deal waiting on one pesantren: what for, and for a payment how much since when."""

    deal: Deal
    action: Action
    amount: int = 0
    since: date | None = None


def waiting_by_pesantren(deals, today: date) -> dict[int, list[Waiting]]:
    """``{pesantren_id: [what the given open deals wait on it for]}``, by the deals' own rule
    (``states.awaited_action`` over ``facts.context``: whose turn it is for each akad)."""
    out: dict[int, list[Waiting]] = defaultdict(list)
    for deal in deals:
        ctx = context(deal, today)
        for side in Side:
            action = awaited_action(ctx, side)
            if action is None:
                continue
            pid = deal.seller_pesantren_id if side is Side.SELLER else deal.buyer_pesantren_id
            if action is Action.PAY:
                due = payment_due(deal, today)
                out[pid].append(Waiting(deal, action, due.amount, due.by))
            else:
                out[pid].append(Waiting(deal, action))
    return out


def open_deals():
    """Every open deal with what deciding whose move it is needs, in a few queries."""
    return db.session.scalars(
        select(Deal)
        .where(Deal.state.in_([s.value for s in OPEN]))
        .options(*facts.load())
        .order_by(Deal.last_move_at, Deal.id)
    ).all()


def reminder_key(day: str, user_id: int) -> str:
    return f"reminder:{day}:{user_id}"


def send_reminders(now: datetime | None = None) -> int:
    """Queue a reminder for every active manager with deals waiting on their pesantren, at most
    one per reader per WIB day. Returns how many were queued. Commits once."""
    now = now or utcnow()
    today = today_wib(now)
    day = today.isoformat()
    waiting = waiting_by_pesantren(open_deals(), today)
    if not waiting:
        return 0
    managers = db.session.scalars(
        select(User)
        .where(User.pesantren_id.in_(list(waiting)))
        .where(User.role == Role.MANAGER.value, User.is_active_account.is_(True))
        .order_by(User.id)
    ).all()
    keys = [reminder_key(day, u.id) for u in managers]
    done = set(
        db.session.scalars(
            select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(keys))
        )
    )
    link = link_builder(current_app)
    queued = 0
    for user in managers:
        key = reminder_key(day, user.id)
        if key in done:
            continue
        deals = waiting[user.pesantren_id]
        locale = user.locale if user.locale in current_app.config["LANGUAGES"] else "id"
        with force_locale(locale):
            subject, text = _compose(deals, link)
        queue_email(user.email, subject, text, dedupe_key=key)
        queued += 1
    try:
        db.session.commit()
    except IntegrityError:  # another run queued the same reminders meanwhile
        db.session.rollback()
        return 0
    return queued


def action_label(action: Action) -> str:
    """What the reader is asked to do, in their language (the dashboard's words)."""
    return awaited_label(action)


def _compose(waiting: list[Waiting], link) -> tuple[str, str]:
    subject = _("%(count)s kesepakatan menunggu langkah Anda", count=len(waiting))
    lines = [_("Assalamu'alaikum,"), "", _("Kesepakatan berikut menunggu langkah Anda:"), ""]
    english = str(get_locale() or "id") == "en"
    for item in waiting[:MAX_LISTED]:
        deal = item.deal
        name = (
            deal.commodity.name_en if english and deal.commodity.name_en else deal.commodity.name_id
        )
        task = action_label(item.action)
        if item.action is Action.PAY:
            task += " " + rupiah(item.amount)
            if item.since is not None:
                task += " · " + _("paling lambat %(date)s", date=short_date(item.since))
        lines.append(f"- {deal_label(deal)} {name}: {task}")
        lines.append("  " + link("deals.detail", deal_id=deal.id))
    if len(waiting) > MAX_LISTED:
        lines.append(_("dan %(count)s lainnya", count=len(waiting) - MAX_LISTED))
    lines += ["", _("Bursa Pesantren")]
    return subject, "\n".join(lines)
