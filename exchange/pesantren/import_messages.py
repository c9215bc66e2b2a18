"""The registry import's problems and file errors as sentences, in the reader's language."""

from __future__ import annotations

from flask_babel import gettext as _

from exchange.uploads.services import sheet_error  # noqa: F401 published here


def row_problem(code: str, params: dict) -> str:
    texts = {
        "formula": lambda: _(
            "Kolom %(column)s berisi rumus; tulis nilainya saja.", column=params.get("column")
        ),
        "required": lambda: _("Kolom %(column)s wajib diisi.", column=params.get("column")),
        "nspp_format": lambda: _(
            "NSPP %(value)s tidak valid: NSPP terdiri dari 12 angka.", value=params.get("value")
        ),
        "regency_unknown": lambda: _(
            "Kabupaten/kota %(value)s tidak dikenal: tulis salah satu dari 38 kabupaten/kota "
            "di Jawa Timur atau kodenya (misalnya 3515).",
            value=params.get("value"),
        ),
        "regency_ambiguous": lambda: _(
            '%(value)s ada sebagai kabupaten dan sebagai kota: tulis "Kabupaten %(value)s" '
            'atau "Kota %(value)s".',
            value=params.get("value"),
        ),
        "email_format": lambda: _(
            "Alamat e-mail %(value)s tidak valid.", value=params.get("value")
        ),
        "phone_format": lambda: _(
            "Nomor telepon %(value)s tidak valid; tulis seperti 0812 3456 7890 atau "
            "+62 812 3456 7890.",
            value=params.get("value"),
        ),
        "santri_count": lambda: _(
            "Jumlah santri %(value)s tidak valid: bilangan bulat antara 1 dan 100.000.",
            value=params.get("value"),
        ),
        "duplicate_in_file": lambda: _(
            "Pesantren yang sama sudah ada di baris %(line)d berkas ini.", line=params.get("line")
        ),
        "email_in_file": lambda: _(
            "E-mail ini sudah dipakai di baris %(line)d berkas ini.", line=params.get("line")
        ),
        "duplicate_nspp": lambda: _(
            "NSPP ini sudah terdaftar untuk %(name)s.", name=params.get("name")
        ),
        "duplicate_name": lambda: _(
            "%(name)s sudah terdaftar di kabupaten/kota ini.", name=params.get("name")
        ),
        "email_taken": lambda: _("E-mail ini sudah dipakai akun lain."),
        "invalid": lambda: str(params.get("text", "")),
    }
    found = texts.get(code)
    return found() if found else code
