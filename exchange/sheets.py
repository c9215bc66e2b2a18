"""Spreadsheets in and out: CSV (UTF-8 with BOM, ``;``) and XLSX (openpyxl). Pure: no Flask,
no database.

Out: every cell goes through ``safe_cell`` (text that a spreadsheet would run as a formula gets
a leading apostrophe, OWASP's advice). In: ``read_sheet`` gives the header and the rows as
text; a cell written as a formula is refused by ``formula_like`` (the row says why), while a
cell with a leading apostrophe is plain text (as our exports write it) and loses the apostrophe.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

MAX_BYTES = 10 * 1024 * 1024  # 10 MB a file
MAX_ROWS = 10_000  # data rows a file (the header not counted)
MAX_COLUMNS = 40
BOM = "\ufeff"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAGIC = b"PK\x03\x04"


class SheetError(ValueError):
    """A file that cannot be read at all; ``code`` names the reason for the message."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


def plain(value) -> str:
    """Numbers unformatted (no grouping, "." for decimals), empty for missing."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return f"{value:.6g}" if abs(value) < 1e15 else str(int(value))
    return str(value)


def safe_cell(value, decimal_comma: bool = False) -> str:
    """A cell as text that no spreadsheet runs as a formula: text starting with = + - @ tab or
    CR gets a leading apostrophe (OWASP's advice). Numbers stay numbers (-5 is not text).
    ``decimal_comma``: a fraction written 8408759,7, as Excel with Indonesian settings reads it."""
    text = plain(value)
    if decimal_comma and isinstance(value, float):
        return text.replace(".", ",")
    if isinstance(value, str) and text.startswith(FORMULA_START):
        return "'" + text
    return text


def formula_like(text: str) -> bool:
    """A cell a spreadsheet would run: starts with = or @ (or a tab or CR), or with + or -
    followed by something other than a number (``+62 812...`` and ``-5`` are fine,
    ``+SUM(A1)`` and ``-1+2`` are not)."""
    if not text:
        return False
    if text[0] in "=@\t\r":
        return True
    if text[0] in "+-":
        rest = text[1:].replace(" ", "").replace(".", "").replace(",", "")
        return not rest.isdigit()
    return False


def cell_text(value) -> str:
    """What a cell of an XLSX holds, as the text someone would have typed: 12 not 12.0, a date
    as 2027-01-04; an apostrophe-prefixed text loses its apostrophe (it was marked text)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, (date, Decimal, int, float)):
        return str(value)
    return str(value).strip()


def clean_cell(text: str) -> str | None:
    """A read cell's value, or None when it is a formula (the row is refused, saying why).
    A leading apostrophe marks text, as our exports write it: dropped, never a formula."""
    text = (text or "").strip()
    if text.startswith("'"):
        return text[1:]
    return None if formula_like(text) else text


def unmark(text: str) -> str:
    """A leading apostrophe marks text (our exports put it before = + - @): drop it."""
    text = text.strip()
    return text[1:] if text.startswith("'") else text


def read_sheet(
    filename: str, data: bytes, max_rows: int = MAX_ROWS
) -> tuple[list[str], list[list[str]]]:
    """The header (lower-cased, trimmed) and the data rows as text (wholly empty rows left out).
    Raises SheetError: ``too_big``, ``too_many_rows``, ``format``, ``empty``."""
    if len(data) > MAX_BYTES:
        raise SheetError("too_big", mb=MAX_BYTES // (1024 * 1024))
    name = (filename or "").lower()
    if data.startswith(XLSX_MAGIC) or name.endswith(".xlsx"):
        rows = _xlsx_rows(data, max_rows)
    elif name.endswith((".csv", ".txt")) or not name:
        rows = _csv_rows(data, max_rows)
    else:
        raise SheetError("format")
    rows = [[c.strip() for c in row] for row in rows]
    rows = [row for row in rows if any(row)]
    if not rows:
        raise SheetError("empty")
    header = [unmark(c).lower().lstrip(BOM) for c in rows[0]]
    body = rows[1:]
    if len(body) > max_rows:
        raise SheetError("too_many_rows", max=max_rows)
    return header, body


def _csv_rows(data: bytes, max_rows: int) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows
    first = text.split("\n", 1)[0]
    sep = max((";", ",", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    rows = []
    try:
        for row in reader:
            rows.append(row[:MAX_COLUMNS])
            if len(rows) > max_rows + 1 + 1000:  # empty lines aside, clearly too many
                raise SheetError("too_many_rows", max=max_rows)
    except csv.Error as exc:
        raise SheetError("format") from exc
    return rows


def _xlsx_rows(data: bytes, max_rows: int) -> list[list[str]]:
    from openpyxl import load_workbook  # only when an XLSX comes

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise SheetError("format") from exc
    try:
        sheet = book.worksheets[0]
        rows = []
        for values in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
            cells = [_xlsx_cell(v) for v in values]
            while cells and not cells[-1]:
                cells.pop()  # read-only sheets pad each row to max_col
            rows.append(cells)
            if len(rows) > max_rows + 1 + 1000:
                raise SheetError("too_many_rows", max=max_rows)
        return rows
    finally:
        book.close()


def _xlsx_cell(value) -> str:
    # openpyxl gives a formula as its text ("=SUM(A1:A3)"): kept, so the row refuses it.
    return cell_text(value)


def csv_bytes(header: Sequence[str], rows: Sequence[Sequence]) -> bytes:
    """A CSV file as the exports write it: UTF-8 with BOM, ``;``, every cell safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([safe_cell(c) for c in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return (BOM + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(header: Sequence[str], rows: Sequence[Sequence], title: str = "Data") -> bytes:
    """An XLSX file of one sheet: numbers as numbers, text as text (never a formula)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append([safe_cell(c) for c in header])
    for row in rows:
        sheet.append([v if _number(v) else safe_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _number(value) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)
