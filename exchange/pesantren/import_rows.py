"""Reading OPOP's list of pesantren binaan, row by row. Pure: no Flask, no database.

Rows come as text (``exchange.sheets.read_sheet``); each gives its values as the registry
stores them, or its problems as codes (``import_messages.py`` words them). Duplicates inside the
file are caught here; against the registry, in ``importing.py`` (one query each, not per row).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from exchange.pesantren.validation import normalise_halal, normalise_nspp
from exchange.phones import normalise_phone
from exchange.sheets import SheetError, clean_cell

EMAIL_RE = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")

# (key, header in the template, required)
COLUMNS = (
    ("name", "nama_pesantren", True),
    ("nspp", "nspp", False),
    ("regency", "kabupaten_kota", True),
    ("address", "alamat", False),
    ("kopontren_name", "kopontren", True),
    ("kopontren_legal_number", "badan_hukum_kopontren", False),
    ("manager_name", "nama_pengelola", True),
    ("email", "email", True),
    ("phone", "telepon", True),
    ("santri_count", "jumlah_santri", True),
    ("halal", "sertifikat_halal", False),
)
HEADERS = tuple(header for _key, header, _req in COLUMNS)
HEADER_OF = {key: header for key, header, _req in COLUMNS}
# Other ways people head the same column (after lower-casing, non-letters as "_").
ALIASES = {
    "nama": "name",
    "pesantren": "name",
    "nama_ponpes": "name",
    "kabupaten": "regency",
    "kab_kota": "regency",
    "kota": "regency",
    "kode_kabupaten": "regency",
    "kopontren_nama": "kopontren_name",
    "nama_kopontren": "kopontren_name",
    "koperasi": "kopontren_name",
    "nomor_badan_hukum": "kopontren_legal_number",
    "badan_hukum": "kopontren_legal_number",
    "pengelola": "manager_name",
    "manajer": "manager_name",
    "e_mail": "email",
    "surel": "email",
    "hp": "phone",
    "no_hp": "phone",
    "nomor_hp": "phone",
    "whatsapp": "phone",
    "no_telepon": "phone",
    "santri": "santri_count",
    "halal": "halal",
    "nomor_sertifikat_halal": "halal",
}


class RowStatus(StrEnum):
    NEW = "new"  # will be added (verified) and its manager invited
    SAME = "same"  # already in the registry with this manager: nothing changes
    REFUSED = "refused"  # a problem: nothing is written for this row


@dataclass
class RegistryRow:
    line: int  # the line in the spreadsheet (the header is line 1)
    values: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)  # (code, params)
    status: RowStatus = RowStatus.NEW
    existing_id: int | None = None

    def refuse(self, code: str, **params) -> None:
        self.problems.append((code, params))
        self.status = RowStatus.REFUSED

    def key(self) -> tuple:
        """What makes the row one pesantren: its NSPP, else its name in its regency."""
        if self.values.get("nspp"):
            return ("nspp", self.values["nspp"])
        return ("name", name_key(self.values.get("name", "")), self.values.get("regency_code"))


def name_key(name: str) -> str:
    return " ".join((name or "").lower().split())


def header_keys(header: list[str]) -> dict[str, int]:
    """Each known column's position. Raises SheetError('columns', missing=...)."""
    known = {h: key for key, h, _req in COLUMNS} | ALIASES
    found: dict[str, int] = {}
    for index, text in enumerate(header):
        slug = re.sub(r"[^a-z0-9]+", "_", (text or "").lower()).strip("_")
        key = known.get(slug)
        if key and key not in found:
            found[key] = index
    missing = [h for key, h, required in COLUMNS if required and key not in found]
    if missing:
        raise SheetError("columns", missing=", ".join(missing))
    return found


class RegencyIndex:
    """A regency by its code (``3515``) or its name as people write it (``Kabupaten Sidoarjo``,
    ``Kab. Sidoarjo``, ``Sidoarjo``, ``Kota Malang``); a bare name that is both a kabupaten and
    a kota (``Malang``) is ambiguous."""

    def __init__(self, regencies: list[tuple[str, str]]):
        self.names: dict[str, str | None] = {}
        for code, name in regencies:
            self.names[code] = code
            full = name_key(name)
            self.names[full] = code
            bare = full.removeprefix("kabupaten ").removeprefix("kota ")
            if full.startswith("kabupaten "):
                self.names["kab " + bare] = code
                self.names["kab. " + bare] = code
            self.names[bare] = None if bare in self.names and self.names[bare] != code else code

    def find(self, text: str) -> tuple[str | None, str | None]:
        """(code, None), or (None, 'regency_unknown' | 'regency_ambiguous')."""
        key = name_key(text).replace("kab.", "kab. ").replace("  ", " ")
        if key not in self.names:
            return None, "regency_unknown"
        code = self.names[key]
        return (code, None) if code else (None, "regency_ambiguous")


def read_rows(header: list[str], rows: list[list[str]], regencies: RegencyIndex) -> list:
    """Every row read and checked on its own and against the rows above it."""
    columns = header_keys(header)
    seen: dict[tuple, int] = {}
    emails: dict[str, int] = {}
    out = []
    for index, cells in enumerate(rows):
        row = RegistryRow(line=index + 2)
        _read(row, cells, columns, regencies)
        if row.status != RowStatus.REFUSED:
            if (first := seen.get(row.key())) is not None:
                row.refuse("duplicate_in_file", line=first)
            elif (first := emails.get(row.values["email"])) is not None:
                row.refuse("email_in_file", line=first)
            else:
                seen[row.key()] = row.line
                emails[row.values["email"]] = row.line
        out.append(row)
    return out


def _read(row: RegistryRow, cells: list[str], columns: dict, regencies: RegencyIndex) -> None:
    raw = {}
    for key, index in columns.items():
        text = cells[index] if index < len(cells) else ""
        value = clean_cell(text)
        if value is None:
            row.refuse("formula", column=HEADER_OF[key])
            value = ""
        raw[key] = value
    values = row.values
    for key, _header, required in COLUMNS:
        if required and not raw.get(key):
            row.refuse("required", column=_header)
    values["name"] = raw.get("name", "")
    values["address"] = raw.get("address", "")
    values["kopontren_name"] = raw.get("kopontren_name", "")
    values["kopontren_legal_number"] = raw.get("kopontren_legal_number", "")
    values["manager_name"] = raw.get("manager_name", "")
    values["nspp"] = None
    if raw.get("nspp"):
        try:
            values["nspp"] = normalise_nspp(raw["nspp"])
        except ValueError:
            row.refuse("nspp_format", value=raw["nspp"])
    if raw.get("regency"):
        code, problem = regencies.find(raw["regency"])
        values["regency_code"] = code
        if problem:
            row.refuse(problem, value=raw["regency"])
    email = (raw.get("email") or "").strip().lower()
    values["email"] = email
    if email and (not EMAIL_RE.match(email) or len(email) > 255):
        row.refuse("email_format", value=email)
    if raw.get("phone"):
        values["phone"] = _phone(raw["phone"])
        if values["phone"] is None:
            row.refuse("phone_format", value=raw["phone"])
    values["santri_count"] = None
    if raw.get("santri_count"):
        santri = raw["santri_count"].replace(".", "").replace(" ", "")
        if not santri.isdigit() or not 1 <= int(santri) <= 100000:
            row.refuse("santri_count", value=raw["santri_count"])
        else:
            values["santri_count"] = int(santri)
    values["halal"] = [
        normalise_halal(n)[0] for n in re.split(r"[,;\n|]+", raw.get("halal") or "") if n.strip()
    ]


def _phone(text: str) -> str | None:
    """The one normaliser's answer; a number cell that lost its leading 0 (``81234567890``
    in Excel) is read as written with it."""
    for candidate in (text, "0" + text if text[:1] == "8" else None):
        if candidate:
            try:
                return normalise_phone(candidate)
            except ValueError:
                pass
    return None
