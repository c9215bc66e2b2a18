"""Registry files for the import tests and the benchmark."""

from __future__ import annotations

from exchange.pesantren.import_rows import HEADERS
from exchange.sheets import csv_bytes, xlsx_bytes

REGENCIES = ("3515", "Kabupaten Jombang", "Kota Surabaya", "Kab. Sumenep", "Kabupaten Malang")


def registry_rows(n: int, start: int = 0) -> list[tuple]:
    rows = []
    for i in range(start, start + n):
        rows.append(
            (
                f"Pondok Pesantren Impor {i}",
                f"5100351{i:05d}",
                REGENCIES[i % len(REGENCIES)],
                f"Jl. Impor {i}",
                f"Kopontren Impor {i}",
                f"AHU-{i:07d}",
                f"Pengelola {i}",
                f"impor{i}@contoh.id",
                f"0812{i:08d}",
                100 + i % 900,
                "",
            )
        )
    return rows


def registry_csv(rows) -> bytes:
    return csv_bytes(HEADERS, rows)


def registry_xlsx(rows) -> bytes:
    return xlsx_bytes(HEADERS, rows)
