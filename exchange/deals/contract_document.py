"""The contract as a ``documents.Document``: the parties, then five articles (the goods, the
price, the handover, the payment per akad, the akad's clauses as stored at signing), the closing
and two signature blocks with a meterai box. Wording only: the rules live in ``akad.py``."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _

from exchange.akad import Akad
from exchange.deals.documents import (
    Block,
    Document,
    goods_name,
    long_date,
    npwp_text,
    pesantren_name,
    place_name,
    position_of,
    quantity,
    role_of,
    signature,
    weekday,
)
from exchange.deals.labels import TRANSPORT_LABELS
from exchange.deals.models import Deal
from exchange.deals.presenters import akad_label, interest_warning
from exchange.deals.states import State
from exchange.deals.terbilang import rupiah_in_words
from exchange.i18n import rupiah, short_datetime


def _party_block(side: str, party: dict) -> Block:
    label = _("Penjual") if side == "seller" else _("Pembeli")
    facts = [
        (_("Nama"), party.get("signer") or "-"),
        (_("Jabatan"), position_of(party)),
        (_("Bertindak untuk dan atas nama"), party["kopontren"]),
        (_("Nomor badan hukum koperasi"), party.get("kopontren_legal_number") or "-"),
        (_("Pondok pesantren"), pesantren_name(party)),
        (_("Alamat"), party.get("address") or "-"),
        (_("Kabupaten/kota"), party.get("regency") or "-"),
    ]
    if party.get("npwp"):
        facts.append((_("NPWP"), npwp_text(party["npwp"])))
    return Block(
        heading=f"{role_of(side)} ({label})",
        facts=facts,
        paragraphs=[
            _("selanjutnya disebut %(role)s atau %(label)s.", role=role_of(side), label=label)
        ],
    )


def _goods_block(snap: dict) -> Block:
    goods, akad = snap["goods"], snap["akad"]
    facts = [
        (_("Barang"), goods_name(goods)),
        (_("Mutu"), goods.get("grade") or "-"),
        (_("Jumlah"), quantity(snap["quantity"], goods["unit"])),
    ]
    if snap.get("halal_cert"):
        facts.append((_("Nomor sertifikat halal"), snap["halal_cert"]))
    # Negotiation messages are talk, not terms: never printed in the contract (issue 25).
    paragraphs = []
    if akad == Akad.SALAM:
        paragraphs.append(
            _(
                "Barang tersebut menjadi tanggungan (utang barang) PIHAK PERTAMA yang wajib "
                "diserahkan kemudian kepada PIHAK KEDUA, pada tanggal dan di tempat menurut "
                "Pasal 3, dengan jenis, mutu dan jumlah yang tidak berubah."
            )
        )
    elif akad == Akad.ISTISNA:
        paragraphs.append(
            _(
                "Barang dibuat oleh PIHAK PERTAMA sesuai pesanan PIHAK KEDUA dengan jenis, mutu, "
                "jumlah dan spesifikasi di atas."
            )
        )
    return Block(heading=_("Pasal 1 · Objek akad"), facts=facts, paragraphs=paragraphs)


def _price_block(snap: dict) -> Block:
    unit = snap["goods"]["unit"]
    facts = [
        (_("Harga satuan"), f"{rupiah(snap['unit_price'])} / {unit}"),
        (_("Total harga"), rupiah(snap["total"])),
        (_("Terbilang"), rupiah_in_words(snap["total"])),
    ]
    paragraphs = []
    if ppn := snap.get("ppn"):
        facts.append(
            (
                _("PPN %(rate)s%% (termasuk dalam harga)", rate=ppn["rate"]),
                f"{rupiah(ppn['amount'])} ({_('DPP')} {rupiah(ppn['base'])})",
            )
        )
    if snap["akad"] == Akad.MURABAHAH and snap.get("cost_price") is not None:
        quantity = snap["quantity"]
        facts[1:1] = [
            (_("Harga pokok (perolehan) per satuan"), rupiah(snap["cost_price"])),
            (_("Margin (keuntungan) per satuan"), rupiah(snap["margin"])),
            (_("Harga pokok seluruhnya"), rupiah(snap["cost_price"] * quantity)),
            (_("Margin seluruhnya"), rupiah(snap["margin"] * quantity)),
        ]
        paragraphs.append(
            _(
                "PIHAK PERTAMA telah memiliki barang dan mengungkapkan harga perolehan serta "
                "marginnya kepada PIHAK KEDUA. Harga jual tetap sejak akad ini disepakati."
            )
        )
    return Block(heading=_("Pasal 2 · Harga"), facts=facts, paragraphs=paragraphs)


def _handover_block(snap: dict) -> Block:
    transport = TRANSPORT_LABELS.get(snap["transport"], snap["transport"])
    return Block(
        heading=_("Pasal 3 · Penyerahan barang"),
        facts=[
            (_("Tanggal penyerahan"), long_date(date.fromisoformat(snap["handover_date"]))),
            (_("Lokasi penyerahan"), snap["handover_place"]),
            (_("Pengangkutan"), str(transport)),
        ],
    )


def _payment_block(snap: dict) -> Block:
    akad, total = snap["akad"], rupiah(snap["total"])
    due = snap.get("payment_due_date")
    due_text = long_date(date.fromisoformat(due)) if due else ""
    handover = long_date(date.fromisoformat(snap["handover_date"]))
    block = Block(heading=_("Pasal 4 · Pembayaran"))
    if akad == Akad.SALAM:
        block.paragraphs.append(
            _(
                "PIHAK KEDUA membayar harga sebesar %(total)s lunas pada saat akad ini "
                "disepakati, tidak dicicil dan tidak berupa pembebasan utang.",
                total=total,
            )
        )
    elif akad == Akad.TUNAI:
        block.paragraphs.append(
            _(
                "PIHAK KEDUA membayar harga sebesar %(total)s secara tunai pada saat serah "
                "terima barang (%(date)s).",
                total=total,
                date=handover,
            )
        )
    elif akad == Akad.TEMPO:
        block.paragraphs.append(
            _(
                "PIHAK KEDUA membayar harga sebesar %(total)s paling lambat tanggal %(due)s.",
                total=total,
                due=due_text or "-",
            )
        )
    elif akad == Akad.ISTISNA and snap.get("payment_schedule"):
        block.lead = _("PIHAK KEDUA membayar harga menurut tahapan berikut:")
        for i, stage in enumerate(snap["payment_schedule"], start=1):
            when = long_date(date.fromisoformat(stage["due"]))
            block.facts.append((_("Tahap %(n)d", n=i), f"{when}: {rupiah(stage['amount'])}"))
    elif due_text:
        block.paragraphs.append(
            _(
                "PIHAK KEDUA membayar harga sebesar %(total)s paling lambat tanggal %(due)s.",
                total=total,
                due=due_text,
            )
        )
    else:
        block.paragraphs.append(
            _(
                "PIHAK KEDUA membayar harga sebesar %(total)s pada saat serah terima barang "
                "(%(date)s).",
                total=total,
                date=handover,
            )
        )
    if akad in (Akad.TEMPO, Akad.MURABAHAH, Akad.ISTISNA):
        block.paragraphs.append(
            _(
                "Keterlambatan pembayaran tidak menambah harga: tidak ada bunga, denda atau "
                "tambahan apa pun yang menjadi keuntungan PIHAK PERTAMA."
            )
        )
    return block


def _notice_blocks(deal: Deal) -> list[Block]:
    """The denda/bunga notice (fatwa 17/2000) when a term or message of the negotiation spoke
    of them, and a salam contract's standing while the seller has not confirmed the price:
    part of the document, so the page and the PDF say the same."""
    notes = []
    snap = deal.contract.snapshot
    if snap["akad"] == Akad.SALAM and not deal.payments:
        signed_on = long_date(datetime.fromisoformat(snap["signed_at"]))
        if deal.state == State.CANCELLED:
            notes.append(
                _(
                    "Akad ini gugur: PIHAK PERTAMA tidak mengonfirmasi penerimaan harga sampai "
                    "pukul 24.00 WIB tanggal %(date)s.",
                    date=signed_on,
                )
            )
        else:
            notes.append(
                _(
                    "Akad ini berlaku setelah PIHAK PERTAMA mengonfirmasi telah menerima harga "
                    "sebesar %(total)s. Bila belum dikonfirmasi sampai pukul 24.00 WIB tanggal "
                    "%(date)s, penerimaan akad ini gugur.",
                    total=rupiah(snap["total"]),
                    date=signed_on,
                )
            )
    warning = interest_warning(deal)
    if warning:
        notes.append(warning)
    return [Block(heading=_("Catatan"), paragraphs=notes)] if notes else []


def contract_document(deal: Deal) -> Document:
    contract = deal.contract
    snap = contract.snapshot
    signed_at = datetime.fromisoformat(snap["signed_at"])
    place = place_name(snap.get("signed_place") or snap["seller"].get("regency") or "")
    akad = akad_label(snap["akad"])
    blocks = [
        Block(
            paragraphs=[
                _(
                    "Pada hari ini, %(day)s, tanggal %(date)s, bertempat di %(place)s, kami yang "
                    "bertanda tangan di bawah ini:",
                    day=weekday(signed_at),
                    date=long_date(signed_at),
                    place=place or "-",
                )
            ]
        ),
        _party_block("seller", snap["seller"]),
        _party_block("buyer", snap["buyer"]),
        Block(
            paragraphs=[
                _(
                    "Kedua belah pihak sepakat mengadakan %(akad)s melalui Bursa Pesantren "
                    "dengan ketentuan sebagai berikut:",
                    akad=akad,
                )
            ]
        ),
        _goods_block(snap),
        _price_block(snap),
        _handover_block(snap),
        _payment_block(snap),
        Block(heading=_("Pasal 5 · Ketentuan akad"), items=[_(c) for c in snap["clauses"]]),
        *_notice_blocks(deal),
        Block(
            paragraphs=[
                _(
                    "Demikian kontrak ini dibuat dalam rangkap dua, masing-masing bermeterai "
                    "cukup dan mempunyai kekuatan hukum yang sama, dan ditandatangani oleh kedua "
                    "belah pihak dalam keadaan sadar tanpa paksaan. Kontrak ini disepakati di "
                    "Bursa Pesantren pada %(when)s.",
                    when=short_datetime(signed_at),
                )
            ]
        ),
    ]
    return Document(
        kind="contract",
        title=_("KONTRAK JUAL BELI"),
        subtitle=akad,
        number=_("Nomor: %(number)s", number=contract.number),
        blocks=blocks,
        place_date=f"{place}, {long_date(signed_at)}" if place else long_date(signed_at),
        signatures=[signature(side, snap[side], meterai=True) for side in ("seller", "buyer")],
        filename=contract.number.replace("/", "-"),
    )
