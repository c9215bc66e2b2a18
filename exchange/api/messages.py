"""pydantic's refusals of a request, field by field, in the request's language (Indonesian,
English with Accept-Language: en): its own messages are English only."""

from __future__ import annotations

from flask_babel import gettext as _


def _limit(ctx: dict, name: str):
    value = ctx.get(name)
    return value.isoformat() if hasattr(value, "isoformat") else value


def field_message(error: dict) -> str:
    """One of pydantic's errors (``type``, ``ctx``, ``msg``) as a sentence for the client."""
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind == "missing":
        return _("Wajib diisi.")
    if kind == "extra_forbidden":
        return _("Isian ini tidak dikenal.")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("Harus bilangan bulat.")
    if kind in ("float_parsing", "float_type"):
        return _("Harus bilangan.")
    if kind in ("bool_parsing", "bool_type"):
        return _("Harus true atau false.")
    if kind in ("string_type", "str_type"):
        return _("Harus teks.")
    if kind in (
        "date_parsing",
        "date_type",
        "date_from_datetime_parsing",
        "date_from_datetime_inexact",
    ):
        return _("Harus tanggal TTTT-BB-HH.")
    if kind in ("datetime_parsing", "datetime_type", "datetime_from_date_parsing"):
        return _("Harus waktu ISO 8601.")
    if kind in ("greater_than_equal", "greater_than"):
        return _("Harus paling sedikit %(limit)s.", limit=_limit(ctx, "ge") or _limit(ctx, "gt"))
    if kind in ("less_than_equal", "less_than"):
        return _("Harus paling banyak %(limit)s.", limit=_limit(ctx, "le") or _limit(ctx, "lt"))
    if kind == "string_too_long":
        return _("Paling banyak %(limit)s karakter.", limit=ctx.get("max_length"))
    if kind == "string_too_short":
        return _("Paling sedikit %(limit)s karakter.", limit=ctx.get("min_length"))
    if kind == "too_long":
        return _("Paling banyak %(limit)s butir.", limit=ctx.get("max_length"))
    if kind == "too_short":
        return _("Paling sedikit %(limit)s butir.", limit=ctx.get("min_length"))
    if kind == "string_pattern_mismatch":
        return _("Bentuknya tidak sesuai.")
    if kind in ("literal_error", "enum"):
        return _("Harus salah satu dari: %(choices)s.", choices=ctx.get("expected", ""))
    if kind in ("list_type", "tuple_type", "set_type"):
        return _("Harus daftar.")
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return _("Harus objek JSON.")
    if kind == "json_invalid":
        return _("Bukan JSON yang sah.")
    return _("Nilai ini tidak sah.")
