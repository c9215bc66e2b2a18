"""The listing form and the market's filter parameters: parsing only. The rules are in
``rules.py`` and are applied by the services, so every path checks the same things."""

from __future__ import annotations

import secrets
from datetime import date

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, DateInput, ListWidget

from exchange.akad import AKAD_CHOICE_LABELS, AKAD_ORDER, Akad
from exchange.i18n import rupiah
from exchange.listings.messages import unit_problem
from exchange.listings.quantity import (
    TRADE_UNITS,
    UnitProblem,
    to_commodity_price,
    to_commodity_unit,
)
from exchange.listings.queries import SORTS, MarketFilters
from exchange.listings.rules import GRADE_CEILINGS, Limits, ListingInput, is_official_reference
from exchange.numbers import parse_decimal, parse_whole
from exchange.web.forms import DecimalText, ParsedField, WholeField, options


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
    price = WholeField(
        _l("Harga per satuan (Rp; per satuan dagang bila satuan dagang dipilih)"),
        render_kw={"inputmode": "numeric"},
    )
    window_start = DayField(_l("Tanggal penyerahan pertama"))
    window_end = DayField(_l("Tanggal penyerahan terakhir"))
    max_distance_km = DecimalText(_l("Jarak terjauh pembelian (km)"))
    akad = CheckboxesField(_l("Akad yang diterima"), validate_choice=False)
    made_to_order = BooleanField(_l("Dibuat sesuai pesanan (label sendiri, jahitan ukuran)"))
    note = TextAreaField(_l("Catatan"), render_kw={"maxlength": 1000, "rows": 3})
    halal_cert = StringField(_l("Nomor sertifikat halal"), render_kw={"maxlength": 40})
    lat = DecimalText(_l("Lintang"))
    lon = DecimalText(_l("Bujur"))
    place_name = StringField(
        _l("Nama tempat atau alamat barang"), render_kw={"maxlength": 200, "autocomplete": "off"}
    )

    def set_choices(self, commodities) -> None:
        locale = str(get_locale() or "id")
        commodities = sorted(commodities, key=lambda c: c.name(locale).casefold())
        self.akad.choices = options((a, _l(AKAD_CHOICE_LABELS[a])) for a in AKAD_ORDER)
        self.commodity.choices = [SelectChoice("", _l("— pilih komoditas —"))] + [
            SelectChoice(
                c.slug,
                f"{c.name(locale)} ({c.unit}; {_reference_label(c)})",
                render_kw={"data-made-to-order": "1"} if c.made_to_order else {},
            )
            for c in commodities
        ]
        self._units = {c.slug: c.unit for c in commodities}
        self._made_to_order = {c.slug: c.made_to_order for c in commodities}
        self.trade_unit.choices = options(
            [("", _l("satuan komoditas"))] + [(u, u) for u in TRADE_UNITS]
        )
        self.grade.choices = [SelectChoice("", _l("— pilih mutu —"))] + [
            SelectChoice(g, g, optgroup=c.name(locale)) for c in commodities for g in c.grades
        ]
        if not self.client_token.data:
            self.client_token.data = secrets.token_urlsafe(24)

    def offer_akad(self, listing=None) -> None:
        """Istishna' is for a listing made to order only: once the commodity is known (an edit,
        a form shown again) and cannot be made to order, or an edited listing is not made to
        order, it is not offered (the listing-form script hides it as the commodity changes;
        the rules refuse it anyway)."""
        made = getattr(self, "_made_to_order", {})
        stock = listing is not None and not listing.made_to_order and not self.made_to_order.data
        if stock or (self.commodity.data in made and not made[self.commodity.data]):
            self.akad.choices = [c for c in self.akad.choices if c.value != Akad.ISTISNA]

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

    def commodity_price(self) -> int | None:
        """The price per the commodity's unit: the price entered is per the chosen trade unit
        (Rp 90.000 per 50 kg karung is Rp 1.800 per kg); as entered without a trade unit or
        when the unit does not convert (the trade unit's error says why)."""
        unit = getattr(self, "_units", {}).get(self.commodity.data or "")
        if not self.trade_unit.data or unit is None or self.price.data is None:
            return self.price.data
        try:
            return to_commodity_price(
                self.price.data, self.trade_unit.data, unit, self.unit_size.data
            )
        except UnitProblem:
            return self.price.data

    def _converted_price(self) -> tuple[str, str, int, int] | None:
        unit = getattr(self, "_units", {}).get(self.commodity.data or "")
        trade = self.trade_unit.data
        if not trade or trade == unit or unit is None or self.price.data is None:
            return None
        price = self.commodity_price()
        return (trade, unit, self.price.data, price) if price != self.price.data else None

    def trade_note(self) -> str:
        """What the seller entered in trade units, kept in the note (e.g. 20 karung @ 50 kg,
        Rp 90.000/karung = Rp 1.800/kg)."""
        unit = getattr(self, "_units", {}).get(self.commodity.data or "")
        if not self.trade_unit.data or unit is None or self.quantity.data is None:
            return ""
        size = f" @ {self.unit_size.data} {unit}" if self.unit_size.data else ""
        note = f"{self.quantity.data} {self.trade_unit.data}{size}"
        if converted := self._converted_price():
            trade, unit, entered, price = converted
            note += f", {rupiah(entered)}/{trade} = {rupiah(price)}/{unit}"
        return note

    def price_note(self) -> str:
        """The price entered per trade unit and the price stored per the commodity's unit."""
        if not (converted := self._converted_price()):
            return ""
        trade, unit, entered, price = converted
        return str(
            _l(
                "Harga %(entered)s per %(trade)s disimpan sebagai %(price)s per %(unit)s.",
                entered=rupiah(entered),
                trade=trade,
                price=rupiah(price),
                unit=unit,
            )
        )

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
            price=self.commodity_price(),
            window_start=self.window_start.data,
            window_end=self.window_end.data,
            lat=self.lat.data,
            lon=self.lon.data,
            max_distance_km=self.max_distance_km.data,
            akad=tuple(self.akad.data or ()),
            note=note,
            halal_cert=self.halal_cert.data or "",
            client_token=(self.client_token.data or None),
            place_name=(self.place_name.data or "").strip(),
            made_to_order=bool(self.made_to_order.data),
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
        self.made_to_order.data = bool(listing.made_to_order)
        self.place_name.data = listing.place_name or ""


_FILTER_LABELS = {
    "price_min": _l("Harga dari"),
    "price_max": _l("Harga sampai"),
    "from": _l("Tersedia dari"),
    "to": _l("Tersedia sampai"),
    "km": _l("Jarak paling jauh"),
}
_FILTER_HINTS = {
    "price_min": _l("tulis bilangan bulat, misalnya 12.500"),
    "price_max": _l("tulis bilangan bulat, misalnya 12.500"),
    "from": _l("pilih tanggal"),
    "to": _l("pilih tanggal"),
    "km": _l("tulis angka, misalnya 50"),
}


def _reference_label(commodity) -> str:
    kind = "HET/HAP" if is_official_reference(commodity.price_source) else _l("acuan")
    grades = GRADE_CEILINGS.get(commodity.slug, {})
    extra = "".join(f"; {grade} {rupiah(price)}" for grade, price in grades.items())
    return f"{kind} {rupiah(commodity.reference_price)}{extra}"


def _filter_price(text: str) -> int:
    """A price filter within what a listing may hold; past it the filter is ignored."""
    value = parse_whole(text)
    if abs(value) > Limits().max_price:
        raise ValueError(text)
    return value


def parse_market(args, known_commodities=(), known_regencies=()) -> tuple[MarketFilters, list]:
    """The market's query string and a message for each value left out because it does not
    parse (or names no known commodity or regency), so the page never says a silent
    "0 listing"."""
    problems: list = []

    def get(name, parse):
        value = (args.get(name) or "").strip()
        if not value:
            return None
        try:
            return parse(value)
        except ValueError:
            problems.append(
                _l(
                    "Saringan “%(label)s” tidak dipakai: “%(value)s” tidak terbaca (%(hint)s).",
                    label=_FILTER_LABELS[name],
                    value=value[:40],
                    hint=_FILTER_HINTS[name],
                )
            )
            return None

    side, sort = args.get("side"), args.get("sort")
    commodity, regency = (args.get("commodity") or None), (args.get("regency") or None)
    if commodity and known_commodities and commodity not in known_commodities:
        problems.append(
            _l(
                "Komoditas “%(value)s” tidak ada di katalog, jadi tidak ada listing yang cocok.",
                value=commodity[:40],
            )
        )
    if regency and known_regencies and regency not in known_regencies:
        problems.append(
            _l(
                "Kode kabupaten/kota “%(value)s” tidak dikenal, jadi tidak ada listing yang cocok.",
                value=regency[:40],
            )
        )
    q = " ".join((args.get("q") or "").split())[:100] or None
    filters = MarketFilters(
        side=side if side in ("offer", "request") else None,
        commodity=commodity,
        regency=regency,
        grade=(args.get("grade") or None),
        price_min=get("price_min", _filter_price),
        price_max=get("price_max", _filter_price),
        available_from=get("from", date.fromisoformat),
        available_to=get("to", date.fromisoformat),
        max_km=get("km", lambda v: max(0.0, parse_decimal(v))),
        sort=sort if sort in SORTS else ("relevance" if q else "newest"),
        q=q,
    )
    return filters, problems
