"""Wrong sign-ins to a known and to an unknown account: how long each takes with the production
password hash (scrypt). The two should cost about the same, since an unknown address is
checked against a dummy hash (tests/auth/test_enumeration_and_limits.py asserts that check).

    make bench-signin      (BENCH_SIGNIN_N=20 sign-ins of each kind; SQLite in a temp folder)
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

N = int(os.environ.get("BENCH_SIGNIN_N", 20))


def main() -> None:
    from exchange import create_app
    from exchange.auth.models import Role, User
    from exchange.catalogue.reference import load_reference_data
    from exchange.extensions import db

    folder = tempfile.mkdtemp(prefix="bench-signin-")
    app = create_app(
        "testing",
        DATABASE_URL=f"sqlite:///{folder}/signin.sqlite3",
        WTF_CSRF_ENABLED=False,
        PASSWORD_HASH_METHOD="scrypt",
        LOGIN_CLIENT_MAX_ATTEMPTS=10**6,
        LOGIN_MAX_FAILURES=10**6,
    )
    with app.app_context():
        db.create_all()
        load_reference_data()
        user = User(email="dikenal@contoh.id", name="Dikenal", role=Role.MANAGER)
        user.set_password("kata-sandi-yang-benar")
        db.session.add(user)
        db.session.commit()
    times: dict[str, list[float]] = {"known": [], "unknown": []}
    client = app.test_client()
    for n in range(N):
        for kind, email in (("known", "dikenal@contoh.id"), ("unknown", f"x{n}@contoh.id")):
            started = time.perf_counter()
            answer = client.post("/akun/masuk", data={"email": email, "password": "salah"})
            times[kind].append(time.perf_counter() - started)
            assert answer.status_code == 400, answer.status_code
    known, unknown = (statistics.median(times[k]) * 1000 for k in ("known", "unknown"))
    print(
        f"wrong sign-in, scrypt, median of {N}: known account {known:.1f} ms, "
        f"unknown {unknown:.1f} ms (ratio {unknown / known:.2f}); load {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
