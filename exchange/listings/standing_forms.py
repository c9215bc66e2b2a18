"""Forms of kebutuhan rutin: repeat a request, and the kitchen needs estimate."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import DataRequired, InputRequired, ValidationError

from exchange.listings.cadence import Cadence
from exchange.listings.forms import DayField
from exchange.web.forms import REQUIRED, DecimalText, WholeField, options

CADENCE_LABELS = {
    Cadence.WEEKLY: _l("setiap minggu"),
    Cadence.BIWEEKLY: _l("setiap dua minggu"),
    Cadence.MONTHLY: _l("setiap bulan"),
}


def cadence_options():
    return options((c.value, CADENCE_LABELS[c]) for c in Cadence)


class RepeatForm(FlaskForm):
    listing = SelectField(
        _l("Permintaan yang diulang"), validate_choice=False, validators=[InputRequired(REQUIRED)]
    )
    cadence = SelectField(_l("Ulangi"), validate_choice=False, default=Cadence.WEEKLY.value)
    until = DayField(_l("Sampai tanggal (kosongkan: sampai dihentikan)"))

    def __init__(self, *args, requests=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.listing.choices = options(requests)
        self.cadence.choices = cadence_options()

    def validate_listing(self, field):
        if not re.fullmatch(r"[0-9]{1,9}", str(field.data or "").strip()):
            raise ValidationError(_l("Pilih salah satu permintaan Anda."))


class KitchenForm(FlaskForm):
    """The estimate's inputs (GET: no CSRF needed to compute); confirming posts the rows."""

    class Meta:
        csrf = False

    mukim = WholeField(_l("Santri mukim (tinggal di pondok)"), validators=[DataRequired(REQUIRED)])
    share = DecimalText(
        _l("Bagian yang makan dari dapur pesantren (1,0 untuk dapur umum; 0,3-0,6 salaf)"),
        validators=[DataRequired(REQUIRED)],
    )
    cadence = SelectField(_l("Dipesan"), validate_choice=False, default=Cadence.MONTHLY.value)
    start = DayField(_l("Periode pertama mulai"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cadence.choices = cadence_options()
