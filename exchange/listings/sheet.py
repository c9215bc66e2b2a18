"""A manager's listings as spreadsheet rows, and rows back into listing inputs. No Flask, no
database, no clock: the web upload (``sheet_services.py``) and the API's batch endpoint read
rows through here, then check each with the listing services' rules.

A row with an ``id`` is that listing (changed, withdrawn with ``tarik`` = ya, or unchanged);
a row without one is a new listing, whose ``client_token`` comes from the row's content, so
the same file uploaded twice posts it once.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum

from exchange.akad import AKAD_ORDER
from exchange.listings.policy import Side
from exchange.listings.quantity import UnitProblem, to_commodity_price, to_commodity_unit
from exchange.listings.rules import ListingInput
from exchange.sheets import SheetError, clean_cell

COLUMNS = (
    "id",
    "jenis",
    "komoditas",
    "mutu",
    "jumlah",
    "satuan_dagang",
    "isi_per_satuan",
    "harga",
    "minimal",
    "mulai",
    "selesai",
    "akad",
    "jarak_maks_km",
    "barang_pesanan",
    "catatan",
    "sertifikat_halal",
    "tarik",
)
REQUIRED = ("jenis", "komoditas", "mutu", "jumlah", "harga", "mulai", "selesai", "akad")
SIDES = {"penawaran": Side.OFFER, "offer": Side.OFFER, "jual": Side.OFFER}
SIDES |= {"permintaan": Side.REQUEST, "request": Side.REQUEST, "beli": Side.REQUEST}
SIDE_WORDS = {Side.OFFER: "penawaran", Side.REQUEST: "permintaan"}
YES = frozenset({"ya", "y", "yes", "1", "x", "true", "benar"})


class Action(StrEnum):
    CREATE = "create"
    CHANGE = "change"
    WITHDRAW = "withdraw"
    UNCHANGED = "unchanged"
    REFUSED = "refused"


@dataclass
class SheetRow:
    line: int
    listing_id: int | None = None
    withdraw: bool = False
    inp: ListingInput | None = None
    # (column, code, params): the reader's problems; the services add the rules' sentences
    problems: list = field(default_factory=list)
    messages: list = field(default_factory=list)
    action: Action | None = None
    changed: tuple = ()
    label: str = ""  # what the row is, in a few words, for the preview

    def refuse(self, column: str, code: str, **params) -> None:
        self.problems.append((column, code, params))
        self.action = Action.REFUSED


def header_keys(header: list[str]) -> dict[str, int]:
    """Each known column's position. Raises SheetError('columns', missing=...)."""
    found: dict[str, int] = {}
    for index, text in enumerate(header):
        slug = re.sub(r"[^a-z0-9]+", "_", (text or "").lower()).strip("_")
        if slug in COLUMNS and slug not in found:
            found[slug] = index
    missing = [c for c in REQUIRED if c not in found]
    if missing:
        raise SheetError("columns", missing=", ".join(missing))
    return found


def read_rows(header: list[str], rows: list[list[str]], units: dict[str, str]) -> list[SheetRow]:
    """Every row as a listing input (or its problems). ``units``: commodity slug -> unit."""
    columns = header_keys(header)
    out, seen = [], Counter()
    for index, cells in enumerate(rows):
        row = SheetRow(line=index + 2)
        raw = {}
        for name, position in columns.items():
            value = clean_cell(cells[position] if position < len(cells) else "")
            if value is None:
                row.refuse(name, "formula")
                value = ""
            raw[name] = value
        _read(row, raw, units)
        if row.inp is not None and row.listing_id is None:
            content = _content_key(row.inp)
            seen[content] += 1
            token = hashlib.sha256(f"{content}|{seen[content]}".encode()).hexdigest()[:40]
            row.inp = _with_token(row.inp, "sheet-" + token)
        out.append(row)
    return out


def _read(row: SheetRow, raw: dict, units: dict[str, str]) -> None:
    if raw.get("id"):
        row.listing_id = _whole(row, "id", raw["id"])
    row.withdraw = (raw.get("tarik") or "").strip().lower() in YES
    if row.withdraw and row.listing_id is not None:
        return  # nothing else of the row matters
    if row.withdraw:
        row.refuse("tarik", "withdraw_needs_id")
        return
    for name in REQUIRED:
        if not raw.get(name):
            row.refuse(name, "required")
    if row.action == Action.REFUSED:
        return
    side = SIDES.get(raw["jenis"].strip().lower())
    if side is None:
        row.refuse("jenis", "side")
    slug = raw["komoditas"].strip().lower()
    quantity = _whole(row, "jumlah", raw["jumlah"])
    price = _whole(row, "harga", raw["harga"])
    size = _whole(row, "isi_per_satuan", raw.get("isi_per_satuan") or "") or None
    start, end = _date(row, "mulai", raw["mulai"]), _date(row, "selesai", raw["selesai"])
    minimum = _whole(row, "minimal", raw["minimal"]) if raw.get("minimal") else None
    distance = _number(row, "jarak_maks_km", raw.get("jarak_maks_km") or "")
    trade = (raw.get("satuan_dagang") or "").strip().lower()
    unit = units.get(slug)
    if trade and unit and quantity is not None and price is not None:
        try:
            quantity = to_commodity_unit(quantity, trade, unit, size)
            price = to_commodity_price(price, trade, unit, size)
            if minimum is not None:
                minimum = to_commodity_unit(minimum, trade, unit, size)
        except UnitProblem as exc:
            row.refuse("satuan_dagang", exc.code, unit=unit)
    akad = tuple(a for a in re.split(r"[\s,;/]+", raw["akad"].lower()) if a)
    if any(a not in AKAD_ORDER for a in akad):
        row.refuse("akad", "akad_unknown")
    if row.action == Action.REFUSED:
        return
    row.inp = ListingInput(
        side=side,
        commodity=slug,
        quantity=quantity,
        grade=raw["mutu"].strip(),
        price=price,
        window_start=start,
        window_end=end,
        max_distance_km=distance if side == Side.REQUEST else None,
        akad=akad,
        note=raw.get("catatan") or "",
        min_quantity=minimum,
        halal_cert=raw.get("sertifikat_halal") or "",
        made_to_order=(raw.get("barang_pesanan") or "").strip().lower() in YES,
    )
    row.label = f"{SIDE_WORDS[side]} {slug} {raw['mutu']}"


def _whole(row: SheetRow, column: str, text: str) -> int | None:
    """A whole number as people write it: 12500, 12.500 or 12 500 (no decimals)."""
    digits = re.sub(r"[\s.]", "", text or "")
    if not digits:
        return None
    if not digits.isdigit() or len(digits) > 15:
        row.refuse(column, "whole")
        return None
    return int(digits)


def _number(row: SheetRow, column: str, text: str) -> float | None:
    text = (text or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        row.refuse(column, "number")
        return None


def _date(row: SheetRow, column: str, text: str) -> date | None:
    """2027-01-04 (as exported), or 4/1/2027 and 04-01-2027 (day first, as Indonesians write)."""
    text = (text or "").strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    row.refuse(column, "date")
    return None


def _content_key(inp: ListingInput) -> str:
    return "|".join(
        str(v)
        for v in (
            inp.side,
            inp.commodity,
            inp.grade,
            inp.quantity,
            inp.price,
            inp.window_start,
            inp.window_end,
            ",".join(inp.akad),
            inp.min_quantity,
            inp.max_distance_km,
            inp.note,
            inp.halal_cert,
            inp.made_to_order,
        )
    )


def _with_token(inp: ListingInput, token: str) -> ListingInput:
    return replace(inp, client_token=token)


@dataclass(frozen=True)
class ListingFacts:
    """What the export writes of one listing (plain values)."""

    id: int
    side: str
    commodity: str
    grade: str
    quantity: int
    price: int
    min_quantity: int | None
    window_start: date
    window_end: date
    akad: tuple
    max_distance_km: float | None
    made_to_order: bool
    note: str
    halal_cert: str | None


def export_row(f: ListingFacts) -> tuple:
    """One listing as a row of COLUMNS: in the commodity's own unit, no trade unit."""
    return (
        f.id,
        SIDE_WORDS[f.side],
        f.commodity,
        f.grade,
        f.quantity,
        "",
        "",
        f.price,
        f.min_quantity if f.min_quantity is not None else "",
        f.window_start.isoformat(),
        f.window_end.isoformat(),
        ", ".join(f.akad),
        f"{f.max_distance_km:g}" if f.max_distance_km is not None else "",
        "ya" if f.made_to_order else "",
        f.note or "",
        f.halal_cert or "",
        "",
    )
