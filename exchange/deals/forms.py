"""Forms for the negotiation and the moves after signing."""

from __future__ import annotations

import re
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from exchange.akad import Akad
from exchange.deals import akad as rules
from exchange.deals import bounds
from exchange.errors import Conflict
from exchange.numbers import parse_whole
from exchange.web.forms import WholeField, options

PRICE_MAX = _l("Harga satuan terlalu tinggi: paling banyak Rp 1.000.000.000.")
QUANTITY_MAX = _l("Jumlah terlalu besar: paling banyak 10.000.000.")
AMOUNT_MAX = _l("Jumlah uang terlalu besar.")


#: The payment fields each akad uses; the negotiation form shows only the chosen akad's.
PAYMENT_FIELDS = ("payment_due_date", "schedule", "cost_price", "margin", "seller_owns")
AKAD_FIELDS: dict[str, tuple[str, ...]] = {
    Akad.TUNAI: (),
    Akad.TEMPO: ("payment_due_date",),
    Akad.SALAM: (),
    Akad.ISTISNA: ("schedule",),
    Akad.MURABAHAH: ("cost_price", "margin", "seller_owns"),
}


def _money(label, required=True):
    first = InputRequired(_l("Isi jumlah.")) if required else Optional()
    return WholeField(
        label, validators=[first, NumberRange(min=1, max=bounds.MAX_TOTAL, message=AMOUNT_MAX)]
    )


class TermsForm(FlaskForm):
    quantity = WholeField(
        _l("Jumlah"),
        validators=[
            InputRequired(_l("Isi jumlah.")),
            NumberRange(min=1, max=bounds.MAX_QUANTITY, message=QUANTITY_MAX),
        ],
    )
    unit_price = WholeField(
        _l("Harga satuan (Rp)"),
        validators=[
            InputRequired(_l("Isi harga satuan.")),
            NumberRange(min=1, max=bounds.MAX_UNIT_PRICE, message=PRICE_MAX),
        ],
    )
    grade = SelectField(_l("Mutu"), coerce=int)
    akad = SelectField(_l("Akad"))
    handover_date = DateField(
        _l("Tanggal penyerahan"), validators=[InputRequired(_l("Isi tanggal penyerahan."))]
    )
    handover_place = StringField(
        _l("Lokasi penyerahan"),
        validators=[InputRequired(_l("Isi lokasi penyerahan.")), Length(max=255)],
    )
    transport = RadioField(
        _l("Pengangkutan"),
        choices=options([("seller", _l("Penjual mengantar")), ("buyer", _l("Pembeli mengambil"))]),
        default="seller",
    )
    payment_due_date = DateField(_l("Jatuh tempo pembayaran (tempo)"), validators=[Optional()])
    schedule = TextAreaField(
        _l("Tahap pembayaran istishna' (satu per baris: TTTT-BB-HH jumlah)"),
        validators=[Optional(), Length(max=2000)],
    )
    cost_price = WholeField(
        _l("Harga pokok per satuan (murabahah)"),
        validators=[Optional(), NumberRange(max=bounds.MAX_UNIT_PRICE, message=PRICE_MAX)],
    )
    margin = WholeField(
        _l("Margin per satuan (murabahah)"),
        validators=[Optional(), NumberRange(max=bounds.MAX_UNIT_PRICE, message=PRICE_MAX)],
    )
    seller_owns = BooleanField(
        _l("Penjual telah memiliki barang ini (murabahah; diisi penjual)"), default=False
    )
    message = TextAreaField(_l("Pesan singkat"), validators=[Optional(), Length(max=1000)])
    version = HiddenField()
    client_token = HiddenField()  # opening only: makes a retried POST harmless

    #: The opening form (one akad chosen): a value in another akad's field is refused.
    only_akad_fields = False

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if self.only_akad_fields:
            for name in self.foreign_fields():
                label = getattr(self, name).label.text
                self.form_errors.append(
                    _(
                        "Isian “%(field)s” tidak dipakai pada %(akad)s: kosongkan isian "
                        "itu, atau pilih akad yang memakainya.",
                        field=label,
                        akad=_(rules.AKAD_LABELS[self.akad.data]),
                    )
                )
                ok = False
        return ok

    def foreign_fields(self) -> list[str]:
        """The payment fields holding a value that the chosen akad does not use."""
        own = AKAD_FIELDS.get(self.akad.data)
        if own is None:
            return []
        return [n for n in PAYMENT_FIELDS if n not in own and _has_value(getattr(self, n))]

    def validate_schedule(self, field):
        try:
            parse_schedule(field.data or "")
        except ValueError as exc:
            raise ValidationError(
                _l("Tulis setiap tahap sebagai tanggal dan jumlah, misalnya 2027-02-01 500000.")
            ) from exc

    def terms(self) -> rules.Terms:
        return rules.Terms(
            quantity=self.quantity.data,
            unit_price=self.unit_price.data,
            akad=self.akad.data,
            handover_date=self.handover_date.data,
            handover_place=self.handover_place.data or "",
            transport=self.transport.data,
            grade=self.grade.data or None,
            payment_due_date=self.payment_due_date.data,
            schedule=parse_schedule(self.schedule.data or ""),
            cost_price=self.cost_price.data,
            margin=self.margin.data,
            seller_owns=bool(self.seller_owns.data),
        )

    def fill(self, terms: rules.Terms) -> None:
        for name in (
            "quantity",
            "unit_price",
            "akad",
            "handover_date",
            "handover_place",
            "transport",
            "grade",
            "payment_due_date",
            "cost_price",
            "margin",
            "seller_owns",
        ):
            getattr(self, name).data = getattr(terms, name)
        self.schedule.data = "\n".join(f"{s.due.isoformat()} {s.amount}" for s in terms.schedule)


def _has_value(field) -> bool:
    if isinstance(field, BooleanField):
        return bool(field.data)
    return any(str(v).strip() for v in field.raw_data or ())


def parse_schedule(text: str) -> tuple[rules.Stage, ...]:
    stages = []
    for line in text.splitlines():
        if not line.strip():
            continue
        day, amount = line.split()
        value = parse_whole(amount)
        if not 0 < value <= bounds.MAX_TOTAL:
            raise ValueError(amount)
        stages.append(rules.Stage(date.fromisoformat(day), value))
    if len(stages) > 24:
        raise ValueError("too many stages")
    return tuple(stages)


def version_of(form) -> int:
    """The deal version the page was made from. Raises Conflict for a tampered value (a stale
    page to the reader), never a 500."""
    raw = str(form.version.data or "0").strip()
    if not re.fullmatch(r"[0-9]{1,9}", raw):
        raise Conflict()
    return int(raw)


class NoteForm(FlaskForm):
    note = TextAreaField(_l("Catatan"), validators=[Optional(), Length(max=1000)])
    version = HiddenField()


class PaymentForm(FlaskForm):
    amount = _money(_l("Jumlah dibayar (Rp)"))
    paid_on = DateField(_l("Tanggal bayar"), validators=[InputRequired(_l("Isi tanggal."))])
    note = StringField(_l("Catatan"), validators=[Optional(), Length(max=500)])


class ReceiveForm(FlaskForm):
    quantity_received = WholeField(
        _l("Jumlah diterima"),
        validators=[
            InputRequired(_l("Isi jumlah.")),
            NumberRange(min=0, max=bounds.MAX_QUANTITY, message=QUANTITY_MAX),
        ],
    )
    grade_received = SelectField(_l("Mutu diterima"), coerce=int)
    received_on = DateField(_l("Tanggal diterima"), validators=[InputRequired(_l("Isi tanggal."))])
    shortfall_outcome = RadioField(
        _l("Bila kurang"),
        choices=options(
            [
                ("returned", _l("Sisanya kembali ke listing")),
                ("cancelled", _l("Sisanya dibatalkan atas kesepakatan")),
            ]
        ),
        validators=[Optional()],
    )
    paid_now = _money(_l("Dibayar saat penyerahan (Rp)"), required=False)
    note = TextAreaField(_l("Catatan BAST"), validators=[Optional(), Length(max=2000)])


class RefundForm(FlaskForm):
    """The seller records money returned to the buyer."""

    amount = _money(_l("Jumlah dikembalikan (Rp)"))
    refunded_on = DateField(
        _l("Tanggal pengembalian"), validators=[InputRequired(_l("Isi tanggal."))]
    )
    note = StringField(_l("Catatan"), validators=[Optional(), Length(max=500)])


class WaitForm(FlaskForm):
    """Salam, goods missing on the due date: the buyer waits until a new date."""

    new_due = DateField(
        _l("Tanggal penyerahan yang baru"),
        validators=[InputRequired(_l("Isi tanggal penyerahan yang baru."))],
    )
    note = StringField(_l("Catatan"), validators=[Optional(), Length(max=500)])


class SettleBundleForm(FlaskForm):
    """The net amount of a reciprocal bundle, recorded once for both legs."""

    paid_on = DateField(_l("Tanggal bayar"), validators=[InputRequired(_l("Isi tanggal."))])
    note = StringField(_l("Catatan"), validators=[Optional(), Length(max=300)])


class DisputeForm(FlaskForm):
    reason = TextAreaField(
        _l("Alasan sengketa"),
        validators=[InputRequired(_l("Tuliskan alasan sengketa.")), Length(max=1000)],
    )


class RatingForm(FlaskForm):
    score = RadioField(
        _l("Nilai (1–5)"),
        choices=options((str(i), str(i)) for i in range(5, 0, -1)),
        validators=[InputRequired(_l("Beri nilai 1 sampai 5."))],
    )
    comment = TextAreaField(_l("Komentar"), validators=[Optional(), Length(max=1000)])


class BundleForm(FlaskForm):
    """Tie this deal with another one running the other way (a reciprocal bundle)."""

    other_deal_id = HiddenField(validators=[InputRequired()])

    def validate_other_deal_id(self, field):
        if not re.fullmatch(r"[0-9]{1,9}", str(field.data or "")):
            raise ValidationError(_l("Pilih kesepakatan yang akan diikat."))
