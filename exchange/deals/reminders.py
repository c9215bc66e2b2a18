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
from exchange.whatsapp import services as whatsapp
from exchange.whatsapp.policy import Kind

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


def whatsapp_key(day: str, user_id: int, deal_id: int) -> str:
    return f"wa:{reminder_key(day, user_id)}:{deal_id}"


def send_reminders(now: datetime | None = None) -> int:
    """Queue a reminder for every active manager with deals waiting on their pesantren, at most
    one per reader per WIB day. Returns how many e-mails were queued. Commits once.

    A manager who chose WhatsApp for payments due gets one WhatsApp message per payment due
    (at most MAX_LISTED a day) and, unless they chose both, the e-mail without them (no e-mail
    when nothing else waits)."""
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
    reach = whatsapp.targets(managers)
    keys = [reminder_key(day, u.id) for u in managers]
    keys += [
        whatsapp_key(day, u.id, w.deal.id)
        for u in managers
        if reach[u.id].wants_whatsapp(Kind.PAYMENT_DUE)
        for w in waiting[u.pesantren_id]
    ]
    done = set()
    for start in range(0, len(keys), 500):
        done.update(
            db.session.scalars(
                select(OutboxMessage.dedupe_key).where(
                    OutboxMessage.dedupe_key.in_(keys[start : start + 500])
                )
            )
        )
    link = link_builder(current_app)
    queued = 0
    for user in managers:
        deals = waiting[user.pesantren_id]
        target = reach[user.id]
        locale = user.locale if user.locale in current_app.config["LANGUAGES"] else "id"
        with force_locale(locale):
            if target.wants_whatsapp(Kind.PAYMENT_DUE):
                _whatsapp_payments(target, deals, day, user.id, done, link)
                if not target.wants_email(Kind.PAYMENT_DUE):
                    deals = [w for w in deals if w.action is not Action.PAY]
            key = reminder_key(day, user.id)
            if key in done or not deals:
                continue
            subject, text = _compose(deals, link)
        queue_email(user.email, subject, text, dedupe_key=key)
        queued += 1
    try:
        db.session.commit()
    except IntegrityError:  # another run queued the same reminders meanwhile
        db.session.rollback()
        return 0
    return queued


def _whatsapp_payments(target, waiting: list[Waiting], day: str, user_id: int, done, link):
    """One WhatsApp message per payment due on the reader's pesantren (flush only)."""
    english = str(get_locale() or "id") == "en"
    payments = [w for w in waiting if w.action is Action.PAY][:MAX_LISTED]
    for item in payments:
        key = whatsapp_key(day, user_id, item.deal.id)
        if key in done:
            continue
        deal = item.deal
        commodity = deal.commodity
        name = commodity.name_en if english and commodity.name_en else commodity.name_id
        body = [
            deal_label(deal),
            name,
            rupiah(item.amount),
            short_date(item.since) if item.since is not None else "-",
        ]
        url = link("deals.detail", deal_id=deal.id)
        whatsapp.queue_message(target, Kind.PAYMENT_DUE, body, url, dedupe_key=key)


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
