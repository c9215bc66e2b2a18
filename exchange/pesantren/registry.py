"""Cleaning registry input: the service-side checks every path (form, CLI, API) goes through."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import select

from exchange.errors import Invalid, InvalidFields, collect
from exchange.extensions import db
from exchange.pesantren.models import Pesantren, Regency
from exchange.pesantren.validation import (
    normalise_halal,
    normalise_nspp,
    nspp_looks_jatim,
)
from exchange.phones import normalise_phone
from exchange.texts import clean_texts

# East Java with its islands (Madura, Bawean, Kangean, Masalembu), generously.
LAT_RANGE = (-9.0, -5.0)
LON_RANGE = (110.8, 116.5)
TEXT_LIMITS = {
    "name": 255,
    "kopontren_name": 255,
    "kopontren_legal_number": 80,
    "signatory_name": 120,
    "signatory_position": 120,
    "address": 500,
    "products": 2000,
}


def clean_nspp(value: str, exclude_id: int | None = None) -> tuple[str | None, list[str]]:
    """The NSPP is optional (DOMAIN.md section 6): empty gives None, a number that does not
    look like 12 digits is kept with a hint, never refused. Raises Invalid when another
    pesantren has it already; warns when it does not look East Javan."""
    if not (value or "").strip():
        return None, [_("NSPP belum diisi; boleh dilengkapi kemudian.")]
    try:
        nspp = normalise_nspp(value)
    except ValueError:
        nspp = re.sub(r"[\s.\-]", "", value)[:20]
        return _taken_or(nspp, exclude_id), [
            _("NSPP biasanya 12 angka; nomor tetap disimpan, periksa kembali.")
        ]
    nspp = _taken_or(nspp, exclude_id)
    warnings = []
    if not nspp_looks_jatim(nspp):
        warnings.append(_("NSPP ini tidak memuat kode provinsi Jawa Timur (35); periksa lagi."))
    return nspp, warnings


def _taken_or(nspp: str, exclude_id: int | None) -> str:
    """The NSPP, unless another pesantren has it (then Invalid)."""
    query = select(Pesantren.id).where(Pesantren.nspp == nspp)
    if exclude_id is not None:
        query = query.where(Pesantren.id != exclude_id)
    if db.session.scalar(query) is not None:
        raise Invalid(_("NSPP ini sudah terdaftar untuk pesantren lain."), field="nspp")
    return nspp


def parse_halal_lines(text: str | None) -> list[dict]:
    """One certificate a line: ``ID35110001325901022: Teh`` (the product is optional)."""
    certificates = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        number, _sep, product = line.partition(":")
        number, format_ok = normalise_halal(number)
        if not number:
            continue
        if len(number) > 40:
            raise Invalid(_("Nomor sertifikat halal terlalu panjang."), field="halal_certificates")
        certificates.append(
            {"number": number, "product": product.strip()[:120], "format_ok": format_ok}
        )
    if len(certificates) > 30:
        raise Invalid(_("Paling banyak 30 sertifikat."), field="halal_certificates")
    return certificates


def halal_lines(certificates: list[dict]) -> str:
    return "\n".join(
        f"{c['number']}: {c['product']}" if c.get("product") else c["number"]
        for c in certificates or []
    )


def clean_npwp(value: str) -> str | None:
    """The NPWP, optional: 15 digits (``01.234.567.8-901.000``) or 16 (the NIK-based form),
    kept as digits. Raises Invalid for anything else."""
    digits = re.sub(r"[\s.\-]", "", value or "")
    if not digits:
        return None
    if not digits.isdigit() or len(digits) not in (15, 16):
        raise Invalid(
            _("NPWP terdiri dari 15 atau 16 angka, misalnya 01.234.567.8-901.000."), field="npwp"
        )
    return digits


def clean_registry(data: dict) -> tuple[dict, list[str]]:
    """Check and normalise the registry fields. Returns (values, warnings); raises
    InvalidFields with every field's problem at once."""
    problems: list[tuple] = []
    values = {}
    for name in TEXT_LIMITS:  # one field at a time, so each gets its own message
        required = (name,) if name in ("name", "kopontren_name") else ()
        got = collect(problems, clean_texts, data, {name: TEXT_LIMITS[name]}, required)
        values[name] = (got or {}).get(name, "")
    for optional in ("kopontren_legal_number", "signatory_name", "signatory_position"):
        values[optional] = values[optional] or None
    if "npwp" in data:
        values["npwp"] = clean_npwp(data.get("npwp") or "")
    if "is_pkp" in data:
        values["is_pkp"] = bool(data.get("is_pkp"))
    regency = db.session.get(Regency, data.get("regency_code") or "")
    if regency is None:
        problems.append(
            (_("Pilih salah satu dari 38 kabupaten/kota di Jawa Timur."), "regency_code")
        )
    else:
        values["regency_code"] = regency.code
        spot = collect(problems, _coordinates, data.get("lat"), data.get("lon"), regency)
        values["lat"], values["lon"] = spot or (None, None)
    try:
        values["phone"] = normalise_phone(data.get("phone") or "")
    except ValueError:
        bad_phone = _(
            "Nomor telepon tidak valid; tulis seperti 0812 3456 7890 atau +62 812 3456 7890."
        )
        problems.append((bad_phone, "phone"))
    santri = data.get("santri_count")
    if not isinstance(santri, int) or not 1 <= santri <= 100000:
        problems.append((_("Jumlah santri antara 1 dan 100.000."), "santri_count"))
    if problems:
        raise InvalidFields(problems)
    values["santri_count"] = santri
    values["halal_certificates"] = parse_halal_lines(data.get("halal_certificates"))
    warnings = [
        _(
            "Format nomor sertifikat halal %(number)s tidak biasa (umumnya ID diikuti 12-17 "
            "angka). Tetap disimpan; pastikan nomornya benar di halal.go.id.",
            number=c["number"],
        )
        for c in values["halal_certificates"]
        if not c["format_ok"]
    ]
    return values, warnings


def _coordinates(lat, lon, regency: Regency) -> tuple[float, float]:
    """Both or neither; empty means the regency seat."""
    if lat is None and lon is None:
        return regency.lat, regency.lon
    if lat is None or lon is None:
        raise Invalid(_("Isi lintang dan bujur, atau kosongkan keduanya."), field="lat")
    lat, lon = float(lat), float(lon)
    if not LAT_RANGE[0] <= lat <= LAT_RANGE[1] or not LON_RANGE[0] <= lon <= LON_RANGE[1]:
        raise Invalid(_("Koordinat ini di luar Jawa Timur."), field="lat")
    return round(lat, 6), round(lon, 6)
