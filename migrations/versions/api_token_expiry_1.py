"""API tokens with an optional expiry (issue 26): api_tokens.expires_at

Revision ID: api_token_expiry_1
Revises: jobs_1
Create Date: 2026-12-07 20:05:00

"""

import sqlalchemy as sa
from alembic import op

import exchange.db

revision = "api_token_expiry_1"
down_revision = "jobs_1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("api_tokens") as batch_op:
        batch_op.add_column(sa.Column("expires_at", exchange.db.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("api_tokens") as batch_op:
        batch_op.drop_column("expires_at")
