"""PostgreSQL databases of the tests and benchmarks: whether the server answers (``python -m
tests.pgcheck URL`` exits 0 when it does; used by `make test`), and creating or recreating the
database a SQLAlchemy URL names, through the server's ``postgres`` database."""

from __future__ import annotations

import sys


def _admin(url: str, **extra):
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(url)
    conn = psycopg.connect(
        host=u.host or "127.0.0.1",
        port=u.port or 5432,
        user=u.username or "postgres",
        password=u.password or None,
        dbname="postgres",
        autocommit=True,
        **extra,
    )
    return conn, u.database


def ensure_database(url: str, *, for_tests: bool = False) -> None:
    """Create the database named in the URL if it is missing.

    ``for_tests``: its sessions do not wait for the disk at COMMIT (``synchronous_commit`` off:
    4.3 ms a commit here against 0.6 ms). A server crash could lose the last commits, which a
    test database does not mind; what every session sees is unchanged. Benchmarks keep the
    server's default, as production has it."""
    conn, name = _admin(url)
    with conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
        if for_tests:
            conn.execute(f'ALTER DATABASE "{name}" SET synchronous_commit TO off')


def drop_database(url: str) -> None:
    conn, name = _admin(url)
    with conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def recreate_database(url: str) -> None:
    """An empty database of that name (any earlier one is dropped, its sessions ended)."""
    drop_database(url)
    ensure_database(url)


def main(url: str) -> int:
    try:
        import psycopg

        conn, _name = _admin(url, connect_timeout=3)
    except (ImportError, psycopg.Error):
        return 1
    conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
