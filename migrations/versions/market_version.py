"""The market version: one row that every write a visitor's page could show moves

Visitors' pages are kept rendered per worker process under this version
(exchange/listings/caching.py, versions.py); the row starts at version 0.

Revision ID: market_version_1
Revises: facts_version_1
"""

import math
import time

import sqlalchemy as sa
from alembic import op

revision = "market_version_1"
down_revision = "facts_version_1"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "market_version",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("last_modified", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_market_version")),
    )
    op.bulk_insert(table, [{"id": 1, "version": 0, "last_modified": math.ceil(time.time())}])


def downgrade():
    op.drop_table("market_version")
