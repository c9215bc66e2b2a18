from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp

from exchange.auth.services import EMAIL_RE
from exchange.pesantren.forms import PesantrenFields
from exchange.web.forms import REQUIRED, NoHTML, options, strip

EMAIL_BAD = _l("Alamat e-mail tidak valid.")
# Enough to catch typos; the reset e-mail proves the address.


def _email():
    return EmailField(
        _l("E-mail"),
        validators=[
            DataRequired(message=REQUIRED),
            Length(max=255),
            Regexp(EMAIL_RE.pattern, message=EMAIL_BAD),
        ],
        filters=[strip],
    )


def _new_password(label=_l("Kata sandi")):
    return PasswordField(label, validators=[DataRequired(message=REQUIRED), Length(max=200)])


def _confirm(other="password"):
    return PasswordField(
        _l("Ulangi kata sandi"),
        validators=[
            DataRequired(message=REQUIRED),
            EqualTo(other, message=_l("Kedua kata sandi tidak sama.")),
        ],
    )


def _name(label=None):
    return StringField(
        label or _l("Nama Anda"),
        validators=[DataRequired(message=REQUIRED), Length(max=120), NoHTML()],
        filters=[strip],
    )


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=255)])
    password = PasswordField(_l("Kata sandi"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Ingat saya"))


class RegisterForm(PesantrenFields):
    """A manager registers themselves and their pesantren in one form."""

    user_name = _name()
    email = _email()
    password = _new_password()
    confirm = _confirm()
    nspp = StringField(
        _l("NSPP (12 angka)"),
        validators=[Optional(), Length(max=20)],
        filters=[strip],
        render_kw={"inputmode": "numeric"},
    )


class PasswordForm(FlaskForm):
    current = PasswordField(
        _l("Kata sandi sekarang"), validators=[DataRequired(message=REQUIRED), Length(max=200)]
    )
    password = _new_password(_l("Kata sandi baru"))
    confirm = _confirm()


class SettingsForm(FlaskForm):
    locale = SelectField(
        _l("Bahasa"), choices=options([("id", "Bahasa Indonesia"), ("en", "English")])
    )
    digest_frequency = SelectField(
        _l("Ringkasan lewat e-mail"),
        choices=options(
            [
                ("daily", _l("Harian")),
                ("weekly", _l("Mingguan")),
                ("none", _l("Tidak usah")),
            ]
        ),
    )


class ForgotForm(FlaskForm):
    email = _email()


class ResetForm(FlaskForm):
    password = _new_password(_l("Kata sandi baru"))
    confirm = _confirm()


class StaffAccountForm(FlaskForm):
    name = _name(_l("Nama staf"))
    email = _email()
    password = _new_password(_l("Kata sandi awal"))
