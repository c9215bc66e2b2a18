"""The registry import of 5,000 rows: read and preview, confirm (pesantren, accounts,
invitations in the outbox), then the same file again (nothing changes).

    make bench-import      (BENCH_IMPORT_ROWS=5000; BENCH_IMPORT_URL for PostgreSQL, else
                            SQLite in a temp folder)
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

N = int(os.environ.get("BENCH_IMPORT_ROWS", 5000))


def main() -> None:
    from sqlalchemy import text

    from exchange import create_app
    from exchange.catalogue.reference import load_reference_data
    from exchange.extensions import db
    from exchange.pesantren import importing
    from tests.factories import make_staff
    from tests.pesantren.import_helpers import registry_rows, registry_xlsx

    url = os.environ.get("BENCH_IMPORT_URL")
    if not url:
        url = f"sqlite:///{tempfile.mkdtemp(prefix='bench-import-')}/import.sqlite3"
    app = create_app("testing", DATABASE_URL=url, WTF_CSRF_ENABLED=False)
    data = registry_xlsx(registry_rows(N))
    with app.test_request_context():
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        db.drop_all()
        db.create_all()
        load_reference_data()
        staff = make_staff()
        for attempt in ("first", "again"):
            started = time.perf_counter()
            upload = importing.upload_registry(staff, "binaan.xlsx", data)
            importing.preview(staff, upload.token)
            previewed = time.perf_counter()
            result = importing.confirm(staff, upload.token)
            done = time.perf_counter()
            print(
                f"{attempt}: {N} rows XLSX ({len(data) // 1024} KB) on {db.engine.dialect.name}: "
                f"upload+preview {previewed - started:.1f} s, confirm {done - previewed:.1f} s, "
                f"total {done - started:.1f} s; created {result.created}, same {result.same}, "
                f"refused {result.refused}"
            )
    print(f"load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
