"""The pool forms: parsing only; the services apply the rules."""

from __future__ import annotations

from datetime import date

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField
from wtforms.widgets import CheckboxInput, DateInput, ListWidget

from exchange.akad import AKAD_CHOICE_LABELS, AKAD_ORDER
from exchange.pools.policy import DEFAULT_MAX_DISTANCE_KM
from exchange.web.forms import DecimalText, ParsedField, WholeField, options


class DayField(ParsedField):
    widget = DateInput()
    parse = staticmethod(date.fromisoformat)
    bad_message = _l("Isi tanggal dengan benar (tttt-bb-hh).")


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class OpenPoolForm(FlaskForm):
    goods = SelectField(_l("Komoditas dan mutu terendah"), validate_choice=False)
    quantity = WholeField(_l("Jumlah bagian Anda"), render_kw={"inputmode": "numeric"})
    price = WholeField(
        _l("Harga tertinggi per satuan, sampai di titik kumpul (Rp)"),
        render_kw={"inputmode": "numeric"},
    )
    window_start = DayField(_l("Tanggal penyerahan pertama"))
    window_end = DayField(_l("Tanggal penyerahan terakhir"))
    hub_address = StringField(
        _l("Alamat titik kumpul"), render_kw={"maxlength": 200, "autocomplete": "off"}
    )
    hub_lat = DecimalText(_l("Lintang titik kumpul"))
    hub_lon = DecimalText(_l("Bujur titik kumpul"))
    max_distance_km = WholeField(
        _l("Jarak terjauh anggota dari titik kumpul (km jalan)"),
        default=int(DEFAULT_MAX_DISTANCE_KM),
        render_kw={"inputmode": "numeric"},
    )
    akad = CheckboxesField(_l("Akad yang diterima"), validate_choice=False)

    def set_choices(self, commodities) -> None:
        locale = str(get_locale() or "id")
        commodities = sorted(commodities, key=lambda c: c.name(locale).casefold())
        self.goods.choices = options(
            [("", _l("— pilih —"))]
            + [(f"{c.slug}|{g}", f"{c.name(locale)}: {g}") for c in commodities for g in c.grades]
        )
        self.akad.choices = options((a, _l(AKAD_CHOICE_LABELS[a])) for a in AKAD_ORDER)


class JoinForm(FlaskForm):
    quantity = WholeField(_l("Jumlah bagian Anda"), render_kw={"inputmode": "numeric"})
