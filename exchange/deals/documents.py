"""The documents a cooperative signs and files: the contract, the handover record (BAST) and the
receipt (kuitansi) of each payment.

Each is built once as a plain ``Document`` in the reader's language (the contract's wording is
in ``contract_document.py``); the printable page (``templates/deals/document.html``) and the PDF
(``pdf.py``) both render that one object, so they never say different things. The wording
presents the akad rules of ``akad.py`` (the clauses stored in the contract snapshot at
signing); it decides nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import format_date, get_locale
from flask_babel import gettext as _

from exchange.akad import Akad
from exchange.clock import to_wib
from exchange.deals import facts as deal_facts
from exchange.deals.contracts import document_number
from exchange.deals.models import Deal, Delivery, Payment
from exchange.deals.presenters import akad_label
from exchange.deals.states import N_
from exchange.deals.terbilang import rupiah_in_words
from exchange.i18n import number, rupiah, short_datetime

# Bea meterai (UU 10/2020): a receipt stating more than Rp 5.000.000 carries a Rp 10.000 stamp.
METERAI_THRESHOLD = 5_000_000


@dataclass
class Block:
    heading: str = ""
    lead: str = ""  # a sentence before the facts
    paragraphs: list[str] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)
    items: list[str] = field(default_factory=list)  # a numbered list


@dataclass
class Signature:
    role: str
    name: str
    position: str
    organisation: str
    meterai: bool = False


@dataclass
class Document:
    kind: str  # contract | bast | receipt
    title: str
    subtitle: str
    number: str
    blocks: list[Block]
    place_date: str
    signatures: list[Signature]
    filename: str = ""


def long_date(value: date | datetime) -> str:
    """``4 Januari 2027`` (datetimes on their WIB day)."""
    if isinstance(value, datetime):
        value = to_wib(value).date()
    return format_date(value, "d MMMM yyyy")


def weekday(value: date | datetime) -> str:
    if isinstance(value, datetime):
        value = to_wib(value).date()
    return format_date(value, "EEEE")


def place_name(regency: str) -> str:
    """``Kabupaten Jombang`` -> ``Jombang``: how a place of signing is written."""
    return regency.replace("Kabupaten ", "").replace("Kota ", "")


def quantity(value, unit: str) -> str:
    return f"{number(value)} {unit}"


def goods_name(goods: dict) -> str:
    return goods["name_en"] if str(get_locale()) == "en" else goods["name_id"]


def role_of(side: str) -> str:
    return _("PIHAK PERTAMA") if side == "seller" else _("PIHAK KEDUA")


def npwp_text(digits: str) -> str:
    """``012345678901000`` -> ``01.234.567.8-901.000``; a 16-digit NPWP as it is."""
    if len(digits) == 15:
        d = digits
        return f"{d[:2]}.{d[2:5]}.{d[5:8]}.{d[8]}-{d[9:12]}.{d[12:]}"
    return digits


def position_of(party: dict) -> str:
    return party.get("signer_position") or _("Pengelola Kopontren")


def signature(side: str, party: dict, meterai: bool = False, role: str | None = None):
    label = _("Penjual") if side == "seller" else _("Pembeli")
    return Signature(
        role=role or f"{role_of(side)} ({label})",
        name=party.get("signer") or "",
        position=position_of(party),
        organisation=party["kopontren"],
        meterai=meterai,
    )


# The handover record (BAST) ---------------------------------------------------------------------

SHORTFALL_LABELS = {
    "returned": N_("kembali ke listing"),
    "cancelled": N_("dibatalkan atas kesepakatan"),
}


def bast_number(delivery: Delivery) -> str:
    return document_number("BAST", delivery.id, delivery.created_at)


def bast_document(deal: Deal, delivery: Delivery) -> Document:
    snap = deal.contract.snapshot
    goods = snap["goods"]
    unit = goods["unit"]
    commodity = deal.commodity
    grade_received = (
        commodity.grade_label(delivery.grade_received)
        if delivery.grade_received and 0 < delivery.grade_received <= len(commodity.grades)
        else "-"
    )
    facts = [
        (_("Barang"), goods_name(goods)),
        (_("Mutu menurut kontrak"), goods.get("grade") or "-"),
        (_("Mutu diterima"), grade_received),
        (_("Jumlah menurut kontrak"), quantity(snap["quantity"], unit)),
        (_("Jumlah diterima"), quantity(delivery.quantity_received, unit)),
    ]
    if delivery.shortfall:
        outcome = _(SHORTFALL_LABELS.get(delivery.shortfall_outcome or "", "-"))
        facts.append((_("Kekurangan"), f"{quantity(delivery.shortfall, unit)} ({outcome})"))
    if delivery.note:
        facts.append((_("Catatan"), delivery.note))
    # the ribawi rule's flag (fulfilment.py), when it happened; never for salam or istisna',
    # whose price and goods are apart by their nature. The record states only what was true at
    # the handover: a payment recorded after it (the flag set then) is not on it.
    same_session = deal.same_session_at
    at_handover = same_session is not None and same_session <= delivery.created_at
    if at_handover and snap["akad"] not in (Akad.SALAM, Akad.ISTISNA):
        facts.append((_("Lunas dan diserahkan dalam satu majelis"), short_datetime(same_session)))
    facts.append((_("Lokasi penyerahan"), snap["handover_place"]))
    lower = (
        snap["akad"] == Akad.SALAM
        and delivery.grade_received
        and deal.current_terms.grade
        and delivery.grade_received < deal.current_terms.grade
    )
    # The place of signing is a town: where the goods were received (the buyer's when the
    # seller delivers, the seller's when the buyer collects), not the free text of the place.
    receiver = snap["buyer"] if snap.get("transport") == "seller" else snap["seller"]
    place = place_name(receiver.get("regency") or "") or "-"
    blocks = [
        Block(
            paragraphs=[
                _(
                    "Pada hari ini, %(day)s, tanggal %(date)s, bertempat di %(place)s, telah "
                    "dilakukan serah terima barang berdasarkan kontrak nomor %(number)s antara:",
                    day=weekday(delivery.received_on),
                    date=long_date(delivery.received_on),
                    place=place,
                    number=deal.contract.number,
                )
            ]
        ),
        _bast_party("seller", snap["seller"]),
        _bast_party("buyer", snap["buyer"]),
        Block(heading=_("Barang yang diserahterimakan"), facts=facts),
        *(
            [
                Block(
                    paragraphs=[
                        _(
                            "Mutu yang diserahkan lebih rendah dari mutu akad salam: PIHAK KEDUA "
                            "berhak menolaknya; bila menerimanya, harga tidak dikurangi."
                        )
                    ]
                )
            ]
            if lower
            else []
        ),
        Block(
            paragraphs=[
                _(
                    "PIHAK KEDUA telah menerima barang tersebut dari PIHAK PERTAMA dalam keadaan "
                    "sebagaimana tercatat di atas. Demikian berita acara ini dibuat dengan "
                    "sebenarnya untuk dipergunakan sebagaimana mestinya."
                )
            ]
        ),
    ]
    number_ = bast_number(delivery)
    return Document(
        kind="bast",
        title=_("BERITA ACARA SERAH TERIMA BARANG"),
        subtitle=_("Kontrak %(number)s", number=deal.contract.number),
        number=_("Nomor: %(number)s", number=number_),
        blocks=blocks,
        place_date=f"{place}, {long_date(delivery.received_on)}",
        signatures=[
            signature("seller", snap["seller"], role=_("Yang menyerahkan (PIHAK PERTAMA)")),
            signature("buyer", snap["buyer"], role=_("Yang menerima (PIHAK KEDUA)")),
        ],
        filename=number_.replace("/", "-"),
    )


def pesantren_name(party: dict) -> str:
    """The pesantren with its NSPP when it has one (NSPP is optional, DOMAIN.md section 6)."""
    return f"{party['name']} (NSPP {party['nspp']})" if party.get("nspp") else party["name"]


def _bast_party(side: str, party: dict) -> Block:
    label = _("Penjual, yang menyerahkan") if side == "seller" else _("Pembeli, yang menerima")
    return Block(
        heading=f"{role_of(side)} ({label})",
        facts=[
            (_("Nama"), party.get("signer") or "-"),
            (_("Jabatan"), position_of(party)),
            (_("Kopontren"), party["kopontren"]),
            (_("Pondok pesantren"), pesantren_name(party)),
        ],
    )


# The receipt (kuitansi) of one payment ----------------------------------------------------------


def receipt_number(payment: Payment) -> str:
    return document_number("KW", payment.id, payment.created_at)


def receipt_document(deal: Deal, payment: Payment) -> Document:
    snap = deal.contract.snapshot
    goods = snap["goods"]
    paid_so_far = sum(p.amount for p in deal.payments if p.id <= payment.id)
    due = deal_facts.amount_due(deal)  # the one owner of "amount due" (deals/services.py)
    what = _(
        "Pembayaran %(akad)s, kontrak %(number)s: %(goods)s %(quantity)s",
        akad=akad_label(snap["akad"]),
        number=deal.contract.number,
        goods=goods_name(goods),
        quantity=quantity(snap["quantity"], goods["unit"]),
    )
    buyer = f"{snap['buyer']['kopontren']} ({snap['buyer']['name']})"
    # A set-off is no money received: the receipt says what was set off (diperhitungkan)
    set_off = payment.method in ("offset", "setoff")
    facts = [
        (_("Diperhitungkan dari") if set_off else _("Telah terima dari"), buyer),
        (_("Sejumlah") if set_off else _("Uang sejumlah"), rupiah_in_words(payment.amount)),
        (_("Untuk pembayaran"), what),
        (_("Tanggal pembayaran"), long_date(payment.paid_on)),
        (_("Jumlah"), rupiah(payment.amount)),
        (_("Dibayar sampai kuitansi ini"), f"{rupiah(paid_so_far)} / {rupiah(due)}"),
        (_("Sisa tagihan"), rupiah(max(due - paid_so_far, 0))),
    ]
    for label, party in ((_("NPWP penjual"), snap["seller"]), (_("NPWP pembeli"), snap["buyer"])):
        if party.get("npwp"):
            facts.append((label, npwp_text(party["npwp"])))
    if ppn := snap.get("ppn"):
        amount = payment.amount * ppn["rate"] // (100 + ppn["rate"])
        facts.append((_("PPN %(rate)s%% termasuk", rate=ppn["rate"]), rupiah(amount)))
    if payment.method == "offset":  # set against the other leg of a reciprocal bundle
        facts.append((_("Cara pembayaran"), _("Diperhitungkan dengan paket timbal balik")))
    elif payment.method == "setoff":  # cleared in a multilateral netting run (exchange/netting)
        facts.append((_("Cara pembayaran"), _("Set-off / muqassah (kliring)")))
    if payment.note:
        facts.append((_("Catatan"), payment.note))
    number_ = receipt_number(payment)
    seller = snap["seller"]
    place = place_name(seller.get("regency") or "")
    return Document(
        kind="receipt",
        title=_("KUITANSI"),
        subtitle=_("Kontrak %(number)s", number=deal.contract.number),
        number=_("Nomor: %(number)s", number=number_),
        blocks=[Block(facts=facts)],
        place_date=f"{place}, {long_date(payment.paid_on)}" if place else "",
        signatures=[
            signature(
                "seller",
                seller,
                meterai=payment.amount > METERAI_THRESHOLD,
                role=_("Yang memperhitungkan (Penjual)")
                if set_off
                else _("Yang menerima (Penjual)"),
            )
        ],
        filename=number_.replace("/", "-"),
    )
