from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length, Optional

from exchange.web.forms import NoHTML, strip


class DeletionForm(FlaskForm):
    reason = TextAreaField(
        _l("Alasan (boleh dikosongkan)"),
        validators=[Optional(), Length(max=1000), NoHTML()],
        filters=[strip],
    )


class DeclineForm(FlaskForm):
    answer = TextAreaField(
        _l("Alasan penolakan (dibaca pemohon)"), validators=[Length(max=1000)], filters=[strip]
    )
