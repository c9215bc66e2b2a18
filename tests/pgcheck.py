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


def ensure_database(url: str) -> None:
    """Create the database named in the URL if it is missing."""
    conn, name = _admin(url)
    with conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


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
