"""In-app notifications for the moves that wait on someone. Inside a service's transaction."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select, update

from exchange.auth.models import Role, User
from exchange.db import utcnow
from exchange.deals.models import (
    Deal,
    Notification,
)
from exchange.deals.states import N_
from exchange.extensions import db
from exchange.web.links import link_builder
from exchange.whatsapp import services as whatsapp
from exchange.whatsapp.policy import Kind

# What the other side reads after a move (msgids; %(deal)s is the deal's label).
MESSAGES = {
    "open": N_("Negosiasi baru %(deal)s menunggu jawaban Anda."),
    "counter": N_("Tawaran balik pada %(deal)s menunggu jawaban Anda."),
    "accept": N_("%(deal)s disepakati; kontrak %(number)s telah dibuat."),
    "reject": N_("Tawaran pada %(deal)s ditolak."),
    "withdraw": N_("Pihak lain mundur dari negosiasi %(deal)s."),
    "expire": N_("Negosiasi %(deal)s kedaluwarsa karena tidak dijawab."),
    "pay": N_("Pembayaran dicatat pada %(deal)s."),
    "ship": N_("Barang %(deal)s telah dikirim; catat penerimaannya (BAST)."),
    "receive": N_("Barang %(deal)s telah diterima; selesaikan kesepakatan."),
    "complete": N_("%(deal)s selesai; beri penilaian untuk mitra Anda."),
    "dispute": N_("Sengketa diajukan pada %(deal)s."),
    "resolve": N_("Sengketa pada %(deal)s telah dicabut."),
    # Staff resolving a dispute (disputes.py): both parties are told.
    "settle": N_(
        "Staf mencatat penyelesaian sengketa %(deal)s secara musyawarah; kesepakatan berlanjut."
    ),
    "staff_cancel": N_("Staf membatalkan %(deal)s karena sengketa; dana dikembalikan %(amount)s."),
    "refer": N_("Sengketa %(deal)s dirujuk ke Badan Arbitrase Syariah Nasional (Basyarnas)."),
    "request_cancel": N_("Pihak lain meminta pembatalan %(deal)s; setujui atau tolak."),
    "agree_cancel": N_("%(deal)s dibatalkan atas kesepakatan bersama."),
    "decline_cancel": N_("Permintaan pembatalan %(deal)s ditolak."),
    "rate": N_("Mitra Anda memberi penilaian pada %(deal)s."),
    "wait": N_("Pembeli memilih menunggu barang %(deal)s sampai tanggal penyerahan baru."),
    "cancel_refund": N_(
        "Pembeli membatalkan %(deal)s karena barang belum ada pada waktunya; kembalikan uangnya."
    ),
    "refund": N_("Pengembalian uang dicatat pada %(deal)s."),
    "bundle_settled": N_(
        "Selisih bersih paket timbal balik %(deal)s dicatat; kedua kontrak lunas."
    ),
    "salam_receipt": N_(
        "Akad salam %(deal)s disepakati: konfirmasikan bahwa harga %(amount)s telah Anda terima "
        "sebelum pukul 24.00 WIB hari ini; bila tidak, penerimaan akad gugur."
    ),
    "confirm_receipt": N_("Penjual mengonfirmasi penerimaan harga salam %(deal)s; akad berlaku."),
    "lapse": N_(
        "Penjual tidak mengonfirmasi penerimaan harga salam %(deal)s sampai pukul 24.00 WIB hari "
        "akad; penerimaan akad gugur dan jumlah yang dipesan dilepas kembali."
    ),
    "untie_request": N_(
        "Pihak lain meminta paket timbal balik %(deal)s dilepas; setujui atau abaikan."
    ),
    "untied": N_("Paket timbal balik %(deal)s dilepas atas kesepakatan bersama."),
    "ribawi_breach": N_(
        "Barang ribawi paket timbal balik %(deal)s tidak diserahkan dalam satu majelis. Jalan "
        "keluarnya: batalkan pertukarannya (lepas paket) lalu lunasi setiap penjualan secara "
        "tunai."
    ),
    "unwound": N_(
        "Pertukaran paket %(deal)s dibatalkan; perhitungannya dihapus dan setiap penjualan "
        "dilunasi secara tunai."
    ),
}


# The notices that also go on WhatsApp to the managers who chose it (whatsapp.policy.Kind).
WHATSAPP_KINDS = {
    "deal.open": Kind.PROPOSAL,
    "deal.counter": Kind.COUNTER,
    "deal.accept": Kind.SIGNED,
    "deal.ship": Kind.GOODS,
    "netting.proposed": Kind.KLIRING,
    "netting.recomputed": Kind.KLIRING,
}


def deal_label(deal: Deal) -> str:
    return f"#{deal.id}"


def notify(deal: Deal, pesantren_id: int, action: str, **params) -> None:
    """One notification for every active manager of the pesantren (flush only)."""
    message = MESSAGES.get(action)
    if message is None:
        return
    notify_managers(
        pesantren_id,
        f"deal.{action}",
        message,
        deal_id=deal.id,
        params={"deal": deal_label(deal), **params},
    )


def notify_managers(
    pesantren_id: int,
    kind: str,
    message: str,
    *,
    deal_id: int | None = None,
    url: str | None = None,
    params: dict | None = None,
) -> None:
    """A notice (``message`` is a msgid, shown in each reader's language) for every active
    manager of a pesantren, inside the caller's transaction (adds, never commits)."""
    users = db.session.scalars(
        select(User).where(
            User.pesantren_id == pesantren_id,
            User.role == Role.MANAGER.value,
            User.is_active_account.is_(True),
        )
    ).all()
    if kind in WHATSAPP_KINDS:
        _whatsapp(users, WHATSAPP_KINDS[kind], deal_id, url, params or {})
    for user in users:
        db.session.add(
            Notification(
                user_id=user.id,
                deal_id=deal_id,
                kind=kind,
                message=message,
                params=params or {},
                url=url,
            )
        )


def _whatsapp(users, kind: Kind, deal_id: int | None, url: str | None, params: dict) -> None:
    """The notice as a WhatsApp template message, to the managers who chose it (flush only)."""
    reach = whatsapp.targets(users)
    wanting = [reach[u.id] for u in users if reach[u.id].wants_whatsapp(kind)]
    if not wanting:
        return
    link = link_builder(current_app)
    deal = db.session.get(Deal, deal_id) if deal_id is not None else None
    for target in wanting:
        if deal is not None:
            commodity = deal.commodity
            english = target.language == "en" and commodity.name_en
            body = [deal_label(deal), commodity.name_en if english else commodity.name_id]
            if kind is Kind.SIGNED:
                body.append(params.get("number", ""))
            page = link("deals.detail", deal_id=deal.id)
        else:  # a netting run: its page
            body = [params.get("run", "")]
            page = current_app.config["BASE_URL"].rstrip("/") + (url or "/")
        whatsapp.queue_message(target, kind, body, page)


def mark_notifications_read(user, ids: list[int] | None = None, deal_id: int | None = None) -> int:
    """Mark the user's notifications read (all, the given ids, or those about one deal).
    Returns how many; commits only when there was something to mark."""
    query = (
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if ids:
        query = query.where(Notification.id.in_(ids))
    if deal_id is not None:
        query = query.where(Notification.deal_id == deal_id)
    count = db.session.execute(query).rowcount
    if count:
        db.session.commit()
    return count
