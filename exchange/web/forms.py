"""Form helpers every domain can use: fields, validators, and the status of a shown form."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DecimalField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import StopValidation, ValidationError

from exchange.numbers import parse_decimal, parse_whole
from exchange.texts import looks_like_html

REQUIRED = _l("Wajib diisi.")


def options(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms' choices (SelectChoice: tuples are deprecated in 3.3)."""
    return [SelectChoice(value, label) for value, label in pairs]


def strip(value):
    """A WTForms filter: trim the spaces phones like to add."""
    return value.strip() if isinstance(value, str) else value


class FiniteDecimalField(DecimalField):
    """A DecimalField that refuses NaN, sNaN and infinities (Decimal() parses them all)."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if isinstance(self.data, Decimal) and not self.data.is_finite():
            self.data = None
            raise ValueError(str(_l("Isi dengan angka biasa.")))


# Dates the exchange can meaningfully filter or store: far outside, a typo (0001-01-01) that
# would overflow the time-zone arithmetic and the database's date range.
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


class SaneDate:
    """A WTForms validator: the date lies between EARLIEST and LATEST."""

    def __call__(self, form, field):
        if isinstance(field.data, date) and not EARLIEST <= field.data <= LATEST:
            field.data = None
            raise ValidationError(
                str(
                    _l(
                        "Tanggal harus antara %(a)s dan %(b)s.",
                        a=EARLIEST.isoformat(),
                        b=LATEST.isoformat(),
                    )
                )
            )


class NoHTML:
    """Refuse text that contains HTML tags (plain text only, shown escaped anyway)."""

    message = _l("Tulis teks biasa, tanpa tag HTML.")

    def __call__(self, form, field):
        if isinstance(field.data, str) and looks_like_html(field.data):
            raise ValidationError(str(self.message))


def status_for(form) -> int:
    """200 for a fresh form, 400 when it is shown again with errors."""
    return 400 if form.errors else 200


class ParsedField(StringField):
    """A text field whose value is parsed; on bad input the user's text is shown again, with one
    message (the field's other validators do not pile a second one on top)."""

    parse = staticmethod(str)
    bad_message = _l("Isian tidak valid.")

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0].strip():
            try:
                self.data = self.parse(valuelist[0])
            except ValueError as exc:
                raise ValueError(str(self.bad_message)) from exc

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)


class WholeField(ParsedField):
    """Rupiah and quantities: "12500", "12.500" or "Rp 12.500"."""

    parse = staticmethod(parse_whole)
    bad_message = _l("Isi dengan bilangan bulat, misalnya 12500.")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "numeric"})
        super().__init__(*args, **kwargs)


class DecimalText(ParsedField):
    parse = staticmethod(parse_decimal)
    bad_message = _l("Isi dengan angka, misalnya 150 atau -7,01.")


class SheetUploadForm(FlaskForm):
    """A spreadsheet to preview (CSV or XLSX); its size and rows are checked by the service."""

    file = FileField(_l("Berkas CSV atau XLSX"), validators=[FileRequired(_l("Pilih berkasnya."))])
