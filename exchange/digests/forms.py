from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField

from exchange.web.forms import options

FREQUENCY_CHOICES = [
    ("daily", _l("Harian (setiap pagi pukul 06.00 WIB)")),
    ("weekly", _l("Mingguan (Senin pukul 06.00 WIB)")),
    ("none", _l("Tidak usah dikirim")),
]


class PreferencesForm(FlaskForm):
    frequency = RadioField(_l("Kirim ringkasan lewat e-mail"), choices=options(FREQUENCY_CHOICES))
