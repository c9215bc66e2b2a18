"""Every table on the dashboard as data: shown as HTML and exported as CSV from one definition."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

BOM = "\ufeff"
# Semicolon by default: Excel with Indonesian regional settings splits on ";" (its list
# separator, since "," is the decimal comma). ``?pemisah=koma`` gives plain comma CSV.
SEPARATORS = {"titik-koma": ";", "koma": ","}


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"  # text | int | rupiah | float | pct | hours | code


@dataclass(frozen=True)
class Table:
    name: str  # the export's name: /staf/dasbor/ekspor/<name>.csv
    title: str
    columns: tuple[Column, ...]
    rows: Sequence[tuple] = field(default_factory=tuple)
    note: str = ""


def plain(value) -> str:
    """Numbers unformatted (no grouping, "." for decimals), empty for missing."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return f"{value:.6g}" if abs(value) < 1e15 else str(int(value))
    return str(value)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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


def write_csv(
    columns: Sequence[Column], rows: Iterable[tuple], sep: str = ";", decimal_comma: bool = False
) -> Iterable[str]:
    """Yield the CSV text piece by piece: a UTF-8 BOM, the header, then the rows.

    Every CSV export goes through here, so every cell goes through ``safe_cell``.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\r\n")
    writer.writerow([safe_cell(c.label) for c in columns])
    yield BOM + buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([safe_cell(v, decimal_comma) for v in row])
        yield buffer.getvalue()
