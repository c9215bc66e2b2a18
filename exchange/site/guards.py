"""Bad input stops at the door: a clear 4xx in the reader's language, never a 500.

- NUL characters anywhere in the path, the query string or a form (PostgreSQL refuses them in
  text, SQLite truncates at them): 400.
- ``<int:...>`` in routes is bounded to the id columns' range (32-bit ``Integer``): a larger
  number matches no route, so it answers 404 like any other missing object.
- A value the database still refuses as out of range (``DataError``, or SQLite's
  ``OverflowError`` for integers past 64 bits) answers 400 after a rollback: the last net under
  the forms' own checks, so nothing is half-written and the page says what went wrong.
"""

from __future__ import annotations

import re

from flask import Flask, request
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import DataError
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter

from exchange.errors import Invalid, render_refusal
from exchange.extensions import db

# The id columns are ``Integer`` (exchange/db.py ``intpk``): 32-bit on PostgreSQL.
ID_MAX = 2**31 - 1
NUL_MESSAGE = _l("Isian mengandung karakter yang tidak diizinkan (NUL). Hapus lalu coba lagi.")
RANGE_MESSAGE = _l("Ada angka atau tanggal di luar batas yang dapat diterima. Periksa isian Anda.")


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` with an upper bound: ids past the database's range are simply not found."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=None, signed=False):  # noqa: A002
        super().__init__(url_map, fixed_digits, min, ID_MAX if max is None else max, signed)


def _has_nul() -> bool:
    if "\x00" in request.path or "%00" in request.query_string.decode("latin-1").lower():
        return True
    for multidict in (request.args, request.form):
        for key, values in multidict.lists():
            if "\x00" in key or any("\x00" in v for v in values):
                return True
    if request.is_json:
        raw = request.get_data(cache=True)
        return b"\\u0000" in raw or b"\x00" in raw
    return False


PAGE_RE = re.compile(r"[1-9][0-9]{0,5}")


def _drop_bad_page() -> None:
    """``?page=`` past any real page (or not a number) is ignored, as the market ignores a
    filter that does not parse: the pagers then show page 1 instead of overflowing OFFSET."""
    pages = request.args.getlist("page")
    if pages and not all(PAGE_RE.fullmatch(p) for p in pages):
        kept = [(k, v) for k, v in request.args.items(multi=True) if k != "page"]
        request.args = ImmutableMultiDict(kept)


def init_guards(app: Flask) -> None:
    """Call before the blueprints are registered (the converter is read when routes are added)."""
    app.url_map.converters["int"] = BoundedIntConverter

    @app.before_request
    def refuse_nul():
        if _has_nul():
            raise Invalid(NUL_MESSAGE)
        _drop_bad_page()

    @app.errorhandler(DataError)
    @app.errorhandler(OverflowError)
    def out_of_range(error):
        import os

        if os.environ.get("FUZZ_STRICT"):
            raise error
        db.session.rollback()
        app.logger.info("refused a value out of the database's range: %s", type(error).__name__)
        return render_refusal(Invalid(RANGE_MESSAGE))
