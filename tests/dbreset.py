"""Between tests: put the database back to "reference data only", touching only what changed.

Every test starts from an empty database holding the regencies and commodities. Emptying all
fifty tables each time (PostgreSQL's ``TRUNCATE ... RESTART IDENTITY`` makes new files for every
table; SQLite's ``DELETE`` rewrites them) and loading the reference rows again cost more than most
tests (measured: ~0.4-1.4 s a test on PostgreSQL, ~0.2 s on SQLite). A test writes to a handful of
tables, so:

- one query asks which tables hold rows; only those are emptied, children before parents (a
  foreign key in a cycle, which TRUNCATE ... CASCADE passed, is set to NULL first);
- the reference rows are compared with the ones loaded first; only a test that changed them
  (a staff edit of a commodity, say) makes them be emptied and loaded again;
- the market version's single row is made anew, at a random number, as a full reset made it;
- on PostgreSQL every sequence but the unchanged reference tables' starts again at 1 (a sequence
  also moves on an insert that was rolled back, so an empty table is no proof), as TRUNCATE's
  RESTART IDENTITY did. SQLite gives an emptied table's next row the id 1 by itself.

The result is the state the full reset gave; ``tests/test_dbreset.py`` checks that it is.
"""

from __future__ import annotations

from sqlalchemy import insert, select, text
from sqlalchemy.schema import sort_tables_and_constraints

from exchange.extensions import db
from exchange.listings.versions import MarketVersion, _first_values

REFERENCE_TABLES = ("regencies", "commodities")


class Resetter:
    def __init__(self):
        self.tables = list(reversed(db.metadata.sorted_tables))  # children first
        self.others = [t for t in self.tables if t.name not in REFERENCE_TABLES]
        self.reference = [t for t in self.tables if t.name in REFERENCE_TABLES]
        self.baseline: dict[str, list] | None = None
        # Foreign keys in a cycle (a proposal names the deal opened from it, the deal its
        # proposal): no order of DELETEs passes them, so their columns are emptied first.
        self.cyclic = [
            fk
            for table, fks in sort_tables_and_constraints(db.metadata.sorted_tables)
            if table is None
            for fk in fks
        ]
        self._sequences: dict[str, str] | None = None  # PostgreSQL: sequence -> owning table

    def reset(self) -> None:
        from exchange.catalogue.reference import load_reference_data

        db.session.remove()
        with db.engine.begin() as conn:
            if self.baseline is None:
                changed = set(REFERENCE_TABLES)
                dirty = {t.name for t in self.tables}
            else:
                dirty = self._tables_with_rows(conn)
                changed = {
                    t.name for t in self.reference if self._rows(conn, t) != self.baseline[t.name]
                }
                dirty |= changed
            for fk in self.cyclic:
                if fk.table.name in dirty:
                    conn.execute(fk.table.update().values({c.name: None for c in fk.columns}))
            for table in self.tables:
                if table.name in dirty:
                    conn.execute(table.delete())
            # The market version's row is there from the table's creation on: a new one, at a
            # random number, as after a full reset (so no page kept under an old one is served).
            conn.execute(MarketVersion.__table__.delete())
            conn.execute(insert(MarketVersion.__table__).values(**_first_values()))
            if conn.dialect.name == "postgresql":
                self._restart_sequences(conn, keep=set(REFERENCE_TABLES) - changed)
        if changed:
            load_reference_data()
            db.session.remove()
            with db.engine.connect() as conn:
                self.baseline = {t.name: self._rows(conn, t) for t in self.reference}

    def _tables_with_rows(self, conn) -> set[str]:
        union = " UNION ALL ".join(
            f"SELECT '{t.name}' WHERE EXISTS (SELECT 1 FROM \"{t.name}\")" for t in self.others
        )
        return set(conn.execute(text(union)).scalars())

    @staticmethod
    def _rows(conn, table) -> list:
        return [tuple(r) for r in conn.execute(select(table).order_by(*table.primary_key.columns))]

    def _restart_sequences(self, conn, keep: set[str]) -> None:
        if self._sequences is None:
            self._sequences = dict(
                conn.execute(
                    text(
                        "SELECT s.relname, t.relname FROM pg_class s"
                        " JOIN pg_depend d ON d.objid = s.oid"
                        " AND d.classid = 'pg_class'::regclass"
                        " AND d.refclassid = 'pg_class'::regclass"
                        " JOIN pg_class t ON t.oid = d.refobjid"
                        " JOIN pg_namespace n ON n.oid = s.relnamespace"
                        " WHERE s.relkind = 'S' AND n.nspname = current_schema()"
                    )
                ).all()
            )
        names = [s for s, table in self._sequences.items() if table not in keep]
        if names:
            calls = ", ".join(f"setval('\"{s}\"', 1, false)" for s in names)
            conn.execute(text(f"SELECT {calls}"))
