"""The listing form and the market's filter parameters: parsing only. The rules are in
``rules.py`` and are applied by the services, so every path checks the same things."""

from __future__ import annotations

import math
import re
import secrets
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, DateInput, ListWidget

from exchange.i18n import rupiah
from exchange.listings.messages import unit_problem
from exchange.listings.quantity import TRADE_UNITS, UnitProblem, to_commodity_unit
from exchange.listings.queries import SORTS, MarketFilters
from exchange.listings.rules import AKAD_CHOICES, ListingInput, is_official_reference

WHOLE_RE = re.compile(r"^\d{1,3}(\.\d{3})+$|^\d+$")
AKAD_LABELS = {
    "tunai": _l("Tunai"),
    "tempo": _l("Tempo (bayar kemudian)"),
    "salam": _l("Salam (bayar di muka, barang kemudian)"),
    "istisna": _l("Istishna' (barang pesanan)"),
    "murabahah": _l("Murabahah (jual dengan margin terbuka)"),
}


def parse_whole(text: str) -> int:
    """``12500``, ``12.500`` or ``Rp 12.500`` -> 12500. Raises ValueError."""
    text = re.sub(r"^rp\s*", "", (text or "").strip(), flags=re.IGNORECASE).replace(" ", "")
    # A minus sign parses, so that the rules can say "must be more than 0" instead of
    # "not a whole number".
    sign, digits = (-1, text[1:]) if text.startswith("-") else (1, text)
    if not WHOLE_RE.match(digits):
        raise ValueError(text)
    return sign * int(digits.replace(".", ""))


def parse_decimal(text: str) -> float:
    value = float((text or "").strip().replace(",", "."))
    if not math.isfinite(value):
        raise ValueError(text)
    return value


class ParsedField(StringField):
    """A text field whose value is parsed; on bad input the user's text is shown again."""

    parse = staticmethod(str)
    bad_message = _l("Isian tidak valid.")

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0].strip():
            try:
                self.data = self.parse(valuelist[0])
            except ValueError as exc:
                raise ValueError(str(self.bad_message)) from exc

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)


class WholeField(ParsedField):
    parse = staticmethod(parse_whole)
    bad_message = _l("Isi dengan bilangan bulat, misalnya 12500.")


class DecimalText(ParsedField):
    parse = staticmethod(parse_decimal)
    bad_message = _l("Isi dengan angka, misalnya 150 atau -7,01.")


class DayField(ParsedField):
    widget = DateInput()
    parse = staticmethod(date.fromisoformat)
    bad_message = _l("Isi tanggal dengan benar (tttt-bb-hh).")


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ListingForm(FlaskForm):
    client_token = HiddenField()
    commodity = SelectField(_l("Komoditas"), validate_choice=False)
    quantity = WholeField(_l("Jumlah"), render_kw={"inputmode": "numeric"})
    min_quantity = WholeField(
        _l("Minimal pembelian per transaksi"), render_kw={"inputmode": "numeric"}
    )
    trade_unit = SelectField(_l("Satuan dagang"), validate_choice=False, default="")
    unit_size = WholeField(
        _l("Isi satu karung/ekor/jeriken (dalam satuan komoditas)"),
        render_kw={"inputmode": "numeric"},
    )
    grade = SelectField(_l("Mutu"), validate_choice=False)
    price = WholeField(_l("Harga per satuan (Rp)"), render_kw={"inputmode": "numeric"})
    window_start = DayField(_l("Tanggal penyerahan pertama"))
    window_end = DayField(_l("Tanggal penyerahan terakhir"))
    max_distance_km = DecimalText(_l("Jarak terjauh pembelian (km)"))
    akad = CheckboxesField(_l("Akad yang diterima"), validate_choice=False)
    note = TextAreaField(_l("Catatan"), render_kw={"maxlength": 1000, "rows": 3})
    halal_cert = StringField(_l("Nomor sertifikat halal"), render_kw={"maxlength": 40})
    lat = DecimalText(_l("Lintang"))
    lon = DecimalText(_l("Bujur"))

    def set_choices(self, commodities) -> None:
        self.akad.choices = [(a, AKAD_LABELS[a]) for a in AKAD_CHOICES]
        self.commodity.choices = [("", _l("— pilih komoditas —"))] + [
            (c.slug, f"{c.name_id} ({c.unit}; {_reference_label(c)})") for c in commodities
        ]
        self._units = {c.slug: c.unit for c in commodities}
        self.trade_unit.choices = [("", _l("satuan komoditas"))] + [(u, u) for u in TRADE_UNITS]
        self.grade.choices = {"": [("", _l("— pilih mutu —"))]} | {
            c.name_id: [(g, g) for g in c.grades] for c in commodities
        }
        if not self.client_token.data:
            self.client_token.data = secrets.token_urlsafe(24)

    def validate_trade_unit(self, field) -> None:
        if not field.data or self.quantity.data is None:
            return
        unit = getattr(self, "_units", {}).get(self.commodity.data or "")
        if unit is None:
            return
        try:
            to_commodity_unit(self.quantity.data, field.data, unit, self.unit_size.data)
        except UnitProblem as exc:
            raise ValidationError(unit_problem(exc.code, unit)) from exc

    def commodity_quantity(self) -> int | None:
        """The quantity in the commodity's unit (the trade unit converted); as entered when it
        does not convert (the field's error says why)."""
        unit = getattr(self, "_units", {}).get(self.commodity.data or "")
        if not self.trade_unit.data or unit is None or self.quantity.data is None:
            return self.quantity.data
        try:
            return to_commodity_unit(
                self.quantity.data, self.trade_unit.data, unit, self.unit_size.data
            )
        except UnitProblem:
            return self.quantity.data

    def trade_note(self) -> str:
        """What the seller entered in trade units, kept in the note (e.g. 20 karung @ 50 kg)."""
        unit = getattr(self, "_units", {}).get(self.commodity.data or "")
        if not self.trade_unit.data or unit is None or self.quantity.data is None:
            return ""
        size = f" @ {self.unit_size.data} {unit}" if self.unit_size.data else ""
        return f"{self.quantity.data} {self.trade_unit.data}{size}"

    def to_input(self, side: str) -> ListingInput:
        note = self.note.data or ""
        if (trade := self.trade_note()) and trade not in note:
            note = f"{note}\n({trade})".strip()
        return ListingInput(
            side=side,
            commodity=self.commodity.data or "",
            quantity=self.commodity_quantity(),
            min_quantity=self.min_quantity.data,
            grade=self.grade.data or "",
            price=self.price.data,
            window_start=self.window_start.data,
            window_end=self.window_end.data,
            lat=self.lat.data,
            lon=self.lon.data,
            max_distance_km=self.max_distance_km.data,
            akad=tuple(self.akad.data or ()),
            note=note,
            halal_cert=self.halal_cert.data or "",
            client_token=(self.client_token.data or None),
        )

    def fill_from(self, listing) -> None:
        c = listing.commodity
        self.commodity.data = c.slug
        self.grade.data = c.grade_label(listing.grade)
        for name in (
            "quantity",
            "min_quantity",
            "price",
            "window_start",
            "window_end",
            "lat",
            "lon",
        ):
            getattr(self, name).data = getattr(listing, name)
        self.max_distance_km.data = listing.max_distance_km
        self.akad.data = list(listing.akad)
        self.note.data = listing.note
        self.halal_cert.data = listing.halal_cert or ""


def _reference_label(commodity) -> str:
    kind = "HET/HAP" if is_official_reference(commodity.price_source) else _l("acuan")
    return f"{kind} {rupiah(commodity.reference_price)}"


def _get(args, name, parse):
    value = (args.get(name) or "").strip()
    if not value:
        return None
    try:
        return parse(value)
    except ValueError:
        return None


def parse_market_args(args) -> MarketFilters:
    """The market's query string; a value that does not parse is ignored."""
    side = args.get("side")
    sort = args.get("sort")
    return MarketFilters(
        side=side if side in ("offer", "request") else None,
        commodity=(args.get("commodity") or None),
        regency=(args.get("regency") or None),
        grade=(args.get("grade") or None),
        price_min=_get(args, "price_min", parse_whole),
        price_max=_get(args, "price_max", parse_whole),
        available_from=_get(args, "from", date.fromisoformat),
        available_to=_get(args, "to", date.fromisoformat),
        max_km=_get(args, "km", lambda v: max(0.0, parse_decimal(v))),
        sort=sort if sort in SORTS else "newest",
    )
