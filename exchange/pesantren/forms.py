from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from exchange.extensions import db
from exchange.pesantren.models import Regency
from exchange.web.forms import REQUIRED, FiniteDecimalField, NoHTML, options, strip


def regency_choices() -> list[tuple[str, str]]:
    rows = db.session.scalars(select(Regency).order_by(Regency.name))
    return [("", _l("Pilih kabupaten/kota"))] + [(r.code, r.name) for r in rows]


def _text(label, max_len, required=True, **kw):
    first = DataRequired(message=REQUIRED) if required else Optional()
    return StringField(
        label, validators=[first, Length(max=max_len), NoHTML()], filters=[strip], **kw
    )


class PesantrenFields(FlaskForm):
    """The registry fields, shared by registration and editing."""

    name = _text(_l("Nama pesantren"), 255)
    kopontren_name = _text(_l("Nama kopontren"), 255)
    kopontren_legal_number = _text(_l("Nomor badan hukum kopontren"), 80, required=False)
    signatory_name = _text(_l("Nama penanda tangan kontrak"), 120, required=False)
    signatory_position = _text(_l("Jabatan penanda tangan"), 120, required=False)
    npwp = _text(_l("NPWP kopontren (opsional)"), 25, required=False)
    is_pkp = BooleanField(_l("Kopontren adalah Pengusaha Kena Pajak (PKP)"))
    regency_code = SelectField(
        _l("Kabupaten/kota"), validators=[DataRequired(message=REQUIRED)], choices=[]
    )
    address = TextAreaField(
        _l("Alamat"), validators=[Optional(), Length(max=500), NoHTML()], filters=[strip]
    )
    lat = FiniteDecimalField(
        _l("Lintang (opsional)"),
        places=None,
        validators=[Optional()],
        render_kw={"inputmode": "decimal"},
    )
    lon = FiniteDecimalField(
        _l("Bujur (opsional)"),
        places=None,
        validators=[Optional()],
        render_kw={"inputmode": "decimal"},
    )
    phone = TelField(
        _l("Telepon kontak"),
        validators=[DataRequired(message=REQUIRED), Length(max=30)],
        filters=[strip],
    )
    santri_count = IntegerField(
        _l("Jumlah santri"),
        validators=[
            InputRequired(message=REQUIRED),
            NumberRange(min=1, max=100000, message=_l("Antara 1 dan 100.000.")),
        ],
        render_kw={"inputmode": "numeric"},
    )
    products = TextAreaField(
        _l("Produk yang dihasilkan"),
        validators=[Optional(), Length(max=2000), NoHTML()],
        filters=[strip],
    )
    halal_certificates = TextAreaField(
        _l("Nomor sertifikat halal"),
        validators=[Optional(), Length(max=2000), NoHTML()],
        filters=[strip],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.regency_code.choices = options(regency_choices())

    def registry_data(self) -> dict:
        return {
            name: getattr(self, name).data
            for name in (
                "name",
                "kopontren_name",
                "kopontren_legal_number",
                "signatory_name",
                "signatory_position",
                "npwp",
                "is_pkp",
                "regency_code",
                "address",
                "lat",
                "lon",
                "phone",
                "santri_count",
                "products",
                "halal_certificates",
            )
        }


class PesantrenEditForm(PesantrenFields):
    pass


class StatusForm(FlaskForm):
    reason = TextAreaField(
        _l("Alasan"), validators=[Optional(), Length(max=500), NoHTML()], filters=[strip]
    )
