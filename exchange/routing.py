"""Reads a replica may answer: which engine each statement of ``db.session`` goes to.

With ``DATABASE_REPLICA_URL`` set, ``with replica_reads(): ...`` sends the plain SELECTs of
the block to the read replica (Flask-SQLAlchemy's bind ``replica``). Everything else goes to
the primary, inside the block too: a flush, an INSERT/UPDATE/DELETE, a SELECT ... FOR UPDATE,
and ``text()`` statements (which may write). Without the setting the block changes nothing.

Which requests read from the replica is one list, ``exchange/site/replica_reads.py``; why
those may lag is docs/production.md. Connections are per engine within a transaction, so a
request that reads from the replica and then writes holds one connection to each.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import sqlalchemy as sa
from flask_sqlalchemy.session import Session

REPLICA = "replica"  # the bind key
_on_replica: ContextVar[bool] = ContextVar("replica_reads", default=False)


@contextmanager
def replica_reads() -> Iterator[None]:
    """Inside the block, plain reads of ``db.session`` may go to the replica."""
    token = _on_replica.set(True)
    try:
        yield
    finally:
        _on_replica.reset(token)


def reading_replica() -> bool:
    """True inside ``replica_reads()`` (whether or not a replica is configured)."""
    return _on_replica.get()


def plain_read(clause) -> bool:
    """A SELECT that takes no row lock: the only statements a replica may answer."""
    return isinstance(clause, sa.Select) and clause._for_update_arg is None


class RoutingSession(Session):
    """Flask-SQLAlchemy's session, sending plain reads to the replica inside ``replica_reads``."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if bind is None and _on_replica.get() and not self._flushing and plain_read(clause):
            engine = self._db.engines.get(REPLICA)
            if engine is not None:
                return engine
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)
