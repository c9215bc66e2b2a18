"""WTForms' built-in messages in Bahasa Indonesia (WTForms ships no Indonesian catalogue).

Flask-WTF looks for ``request.wtforms_translations``; for Indonesian readers we put this small
catalogue there, English readers keep WTForms' own English messages.
"""

from __future__ import annotations

from flask import Flask, has_request_context, request
from flask_babel import get_locale
from wtforms import Form

MESSAGES = {
    "This field is required.": "Wajib diisi.",
    "Invalid input.": "Isian tidak valid.",
    "Invalid email address.": "Alamat e-mail tidak valid.",
    "Field must be equal to %(other_name)s.": "Isian harus sama dengan %(other_name)s.",
    "Field must be between %(min)d and %(max)d characters long.": (
        "Panjang isian antara %(min)d dan %(max)d karakter."
    ),
    "Field cannot be longer than %(max)d characters.": "Maksimal %(max)d karakter.",
    "Field cannot be longer than %(max)d character.": "Maksimal %(max)d karakter.",
    "Field must be at least %(min)d characters long.": "Minimal %(min)d karakter.",
    "Field must be at least %(min)d character long.": "Minimal %(min)d karakter.",
    "Number must be at least %(min)s.": "Angka minimal %(min)s.",
    "Number must be at most %(max)s.": "Angka maksimal %(max)s.",
    "Number must be between %(min)s and %(max)s.": "Angka antara %(min)s dan %(max)s.",
    "Date must be at least %(min)s.": "Tanggal paling awal %(min)s.",
    "Date must be at most %(max)s.": "Tanggal paling akhir %(max)s.",
    "Not a valid choice.": "Pilihan tidak valid.",
    "Invalid Choice: could not coerce.": "Pilihan tidak valid.",
    "Not a valid integer value.": "Tulis bilangan bulat, misalnya 1500.",
    "Not a valid decimal value.": "Tulis angka, misalnya 2,5 atau 2.5.",
    "Not a valid float value.": "Tulis angka, misalnya 2.5.",
    "Not a valid date value.": "Tanggal tidak valid.",
    "Not a valid datetime value.": "Tanggal dan waktu tidak valid.",
    "Not a valid time value.": "Waktu tidak valid.",
    "The CSRF token is missing.": "Formulir kedaluwarsa; muat ulang halaman dan coba lagi.",
    "The CSRF token is invalid.": "Formulir kedaluwarsa; muat ulang halaman dan coba lagi.",
    "The CSRF token has expired.": "Formulir kedaluwarsa; muat ulang halaman dan coba lagi.",
    "The CSRF tokens do not match.": "Formulir kedaluwarsa; muat ulang halaman dan coba lagi.",
}


class IndonesianMessages:
    def ugettext(self, string: str) -> str:
        return MESSAGES.get(string, string)

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        return MESSAGES.get(plural if n != 1 else singular, plural if n != 1 else singular)

    gettext = ugettext
    ngettext = ungettext


CATALOGUE = IndonesianMessages()


def init_form_messages(app: Flask) -> None:
    @app.before_request
    def _indonesian_form_messages():
        if str(get_locale() or "id") == "id":
            request.wtforms_translations = CATALOGUE


class GetForm(Form):
    """A plain form for GET filters (no CSRF: it changes nothing) whose built-in messages
    ("Not a valid date value.") speak the reader's language, as FlaskForm's do."""

    class Meta:
        def get_translations(self, form):
            if not has_request_context():
                return None
            return getattr(request, "wtforms_translations", None)
