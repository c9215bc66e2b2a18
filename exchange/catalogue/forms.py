from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from exchange.web.forms import REQUIRED, FiniteDecimalField, NoHTML, strip


def _text(label, max_len, required=True):
    first = DataRequired(message=REQUIRED) if required else Optional()
    return StringField(label, validators=[first, Length(max=max_len), NoHTML()], filters=[strip])


class CommodityForm(FlaskForm):
    slug = StringField(
        _l("Kode (slug)"),
        validators=[
            DataRequired(message=REQUIRED),
            Length(max=40),
            Regexp(r"^[a-z][a-z0-9_]*$", message=_l("Huruf kecil, angka dan _ saja.")),
        ],
        filters=[strip],
    )
    name_id = _text(_l("Nama (Bahasa Indonesia)"), 120)
    name_en = _text(_l("Nama (English)"), 120)
    category = _text(_l("Kategori"), 40, required=False)
    unit = _text(_l("Satuan"), 20)
    grades = TextAreaField(
        _l("Mutu, dari yang terbaik"),
        validators=[DataRequired(message=REQUIRED), Length(max=500), NoHTML()],
        filters=[strip],
    )
    reference_price = IntegerField(
        _l("Harga acuan (Rp per satuan)"),
        validators=[
            InputRequired(message=REQUIRED),
            NumberRange(min=1, max=10**12, message=_l("Harga harus lebih dari nol.")),
        ],
        render_kw={"inputmode": "numeric"},
    )
    price_source = _text(_l("Sumber harga"), 500, required=False)
    transport_cost_per_unit_km = FiniteDecimalField(
        _l("Ongkos angkut (Rp per satuan per km)"),
        places=None,
        default=2,
        validators=[NumberRange(min=0, max=100000, message=_l("Tidak boleh negatif."))],
        render_kw={"inputmode": "decimal"},
    )
    is_food = BooleanField(_l("Bahan pangan"))
    is_ribawi = BooleanField(_l("Barang ribawi (pertukaran sejenis harus sama dan tunai)"))
    made_to_order = BooleanField(_l("Barang pesanan (boleh akad istishna')"))
    active = BooleanField(_l("Aktif (dapat dipasang)"), default=True)

    def data_for_service(self) -> dict:
        return {
            name: getattr(self, name).data
            for name in (
                "slug",
                "name_id",
                "name_en",
                "category",
                "unit",
                "grades",
                "reference_price",
                "price_source",
                "transport_cost_per_unit_km",
                "is_food",
                "is_ribawi",
                "made_to_order",
                "active",
            )
        }
