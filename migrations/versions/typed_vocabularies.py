"""Typed vocabularies: CHECK constraints on the remaining status, role and akad columns

The columns keep their VARCHAR type, their length and their values (no data changes); each gets
the CHECK constraint the models generate from its StrEnum (``exchange.db.enum_type``): the
pesantren status (and its history's from/to), the user's role and digest frequency, the
clearing run's status, the akad of a proposal and of a version of terms, the outbox status and
the deletion request status.

Revision ID: typed_vocabularies_1
Revises: one_pending_deletion_request
"""

from alembic import op

revision = "typed_vocabularies_1"
down_revision = "one_pending_deletion_request"
branch_labels = None
depends_on = None

PESANTREN = ("pending", "verified", "suspended", "rejected")
AKAD = ("tunai", "tempo", "salam", "istisna", "murabahah")

# (table, constraint name, column, values): the names the naming convention gives the models'
CHECKS = (
    ("pesantren", "status_valid", "status", PESANTREN),
    ("pesantren_status_changes", "from_status_valid", "from_status", PESANTREN),
    ("pesantren_status_changes", "to_status_valid", "to_status", PESANTREN),
    ("users", "role_valid", "role", ("manager", "staff", "admin")),
    ("users", "digest_frequency_valid", "digest_frequency", ("daily", "weekly", "none")),
    ("match_runs", "status_valid", "status", ("completed", "failed")),
    ("proposals", "akad_valid", "akad", AKAD),
    ("deal_terms", "akad_valid", "akad", AKAD),
    ("outbox", "status_valid", "status", ("pending", "sent", "failed")),
    ("privacy_requests", "status_valid", "status", ("pending", "done", "declined")),
)
TABLES = tuple(dict.fromkeys(t for t, *_ in CHECKS))


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            for t, name, column, values in CHECKS:
                if t == table:
                    batch.create_check_constraint(op.f(f"ck_{table}_{name}"), _in(column, values))


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table) as batch:
            for t, name, _column, _values in CHECKS:
                if t == table:
                    batch.drop_constraint(op.f(f"ck_{table}_{name}"), type_="check")
