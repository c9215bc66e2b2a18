"""Forms of the staff dispute page: one per action, each with a note; the irreversible ones
(cancel with refund, refer to Basyarnas) ask for a confirmation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from exchange.web.forms import NoHTML, strip

NOTE = _l("Tuliskan catatan penyelesaian.")
CONFIRM = _l("Centang untuk menyatakan Anda yakin; langkah ini tidak dapat dibatalkan.")


def _note(label):
    return TextAreaField(
        label,
        validators=[InputRequired(NOTE), DataRequired(NOTE), Length(max=900), NoHTML()],
        filters=[strip],
    )


class SettleForm(FlaskForm):
    note = _note(_l("Isi penyelesaian yang disepakati kedua pihak"))


class CancelRefundForm(FlaskForm):
    note = _note(_l("Alasan pembatalan"))
    confirm = BooleanField(
        _l("Saya yakin: kesepakatan dibatalkan dan tidak dapat dilanjutkan."),
        validators=[DataRequired(CONFIRM)],
    )


class ReferForm(FlaskForm):
    note = _note(_l("Catatan rujukan"))
    confirm = BooleanField(
        _l("Saya yakin: sengketa dirujuk ke Basyarnas."), validators=[DataRequired(CONFIRM)]
    )


FORMS = {"settle": SettleForm, "staff_cancel": CancelRefundForm, "refer": ReferForm}
