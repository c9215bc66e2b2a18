"""Every table on the dashboard as data: shown as HTML and exported as CSV from one definition."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from exchange.sheets import BOM, FORMULA_START, plain, safe_cell  # noqa: F401 re-export

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
