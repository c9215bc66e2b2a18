"""The dashboard's forms: the GET filters (no CSRF: they change nothing) and the hide form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from exchange.dashboard.services import REASON_MAX
from exchange.site.form_messages import GetForm
from exchange.web.forms import SaneDate


class FilterForm(GetForm):
    dari = DateField(_l("Dari tanggal"), validators=[Optional(), SaneDate()])
    sampai = DateField(_l("Sampai tanggal"), validators=[Optional(), SaneDate()])
    komoditas = SelectField(_l("Komoditas"), choices=[], validate_choice=False)
    kabupaten = SelectField(_l("Kabupaten/kota"), choices=[], validate_choice=False)

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.dari.data and self.sampai.data and self.dari.data > self.sampai.data:
            self.sampai.errors = [*self.sampai.errors, _l("Tanggal akhir sebelum tanggal awal.")]
            ok = False
        return ok


class AuditFilterForm(GetForm):
    pesantren = StringField(_l("Pesantren (nama atau ID)"), validators=[Length(max=120)])
    email = StringField(_l("E-mail pengguna"), validators=[Length(max=255)])
    jenis = StringField(_l("Jenis (awalan, mis. listing.)"), validators=[Length(max=60)])
    dari = DateField(_l("Dari tanggal"), validators=[Optional(), SaneDate()])
    sampai = DateField(_l("Sampai tanggal"), validators=[Optional(), SaneDate()])


class LookupForm(GetForm):
    listing = IntegerField(_l("Nomor listing"), validators=[Optional(), NumberRange(min=1)])


class HideForm(FlaskForm):
    reason = TextAreaField(
        _l("Alasan (dibaca pengelola pesantren)"),
        validators=[
            DataRequired(_l("Tuliskan alasan yang akan dibaca pengelola.")),
            Length(max=REASON_MAX),
        ],
    )
