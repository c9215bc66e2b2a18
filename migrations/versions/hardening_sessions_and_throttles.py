"""Attempt counters shared by every worker; lockouts per client; sensitive outbox rows;
client tokens on deals; UU PDP deletion requests

Revision ID: hardening_1
Revises: sharia_1

The users' ``session_version`` already exists (wave 1); what changes is who bumps it.
"""

import sqlalchemy as sa
from alembic import op

import exchange.db

revision = "hardening_1"
down_revision = "documents_1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "throttles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=40), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("window_no", sa.BigInteger(), nullable=False),
        sa.Column("ends_at", sa.BigInteger(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_throttles")),
        sa.UniqueConstraint(
            "scope", "key_hash", "window_no", name=op.f("uq_throttles_scope_key_hash_window_no")
        ),
    )
    with op.batch_alter_table("throttles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_throttles_ends_at"), ["ends_at"], unique=False)
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("locked_until")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("sensitive", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "privacy_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.String(length=1000), nullable=True),
        sa.Column("answer", sa.String(length=1000), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", exchange.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", exchange.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_privacy_requests_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_privacy_requests_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_requests")),
    )
    with op.batch_alter_table("privacy_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_privacy_requests_user_id"), ["user_id"], unique=False)
    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("client_token", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_deals_client_token"), ["client_token"])


def downgrade():
    with op.batch_alter_table("privacy_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_privacy_requests_user_id"))
    op.drop_table("privacy_requests")
    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_deals_client_token"), type_="unique")
        batch_op.drop_column("client_token")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("sensitive")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("locked_until", exchange.db.UTCDateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("throttles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_throttles_ends_at"))
    op.drop_table("throttles")
