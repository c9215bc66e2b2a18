"""Exit 0 when the PostgreSQL server of the given SQLAlchemy URL answers (used by `make test`)."""

import sys


def main(url: str) -> int:
    try:
        import psycopg
        from sqlalchemy.engine import make_url
    except ImportError:
        return 1
    u = make_url(url)
    try:
        conn = psycopg.connect(
            host=u.host or "127.0.0.1",
            port=u.port or 5432,
            user=u.username or "postgres",
            password=u.password or None,
            dbname="postgres",
            connect_timeout=3,
        )
    except psycopg.Error:
        return 1
    conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
