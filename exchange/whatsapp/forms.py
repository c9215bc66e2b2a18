"""The account page's WhatsApp forms: the number, its code, a channel per kind of message."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TelField
from wtforms.validators import DataRequired, Length

from exchange.web.forms import REQUIRED, options, strip
from exchange.whatsapp.policy import CHANNEL_LABELS, KIND_LABELS, Kind


class PhoneForm(FlaskForm):
    phone = TelField(
        _l("Nomor WhatsApp"),
        validators=[DataRequired(message=REQUIRED), Length(max=30)],
        filters=[strip],
    )


class CodeForm(FlaskForm):
    code = StringField(
        _l("Kode dari WhatsApp (6 angka)"),
        validators=[DataRequired(message=REQUIRED), Length(max=12)],
        filters=[strip],
    )


class ChannelsForm(FlaskForm):
    """One select per kind (fields named by Kind value)."""

    def choices(self) -> dict[str, str]:
        return {k.value: getattr(self, k.value).data for k in Kind}


def _channel_field(kind: Kind) -> SelectField:
    return SelectField(
        _l(KIND_LABELS[kind]),
        choices=options([(c.value, _l(label)) for c, label in CHANNEL_LABELS.items()]),
    )


for _kind in Kind:
    setattr(ChannelsForm, _kind.value, _channel_field(_kind))
