"""one pending deletion request per person (a partial unique index)

Revision ID: one_pending_deletion_request
Revises: market_version_1
Create Date: 2026-12-07 11:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "one_pending_deletion_request"
down_revision = "market_version_1"
branch_labels = None
depends_on = None

PENDING_ONLY = sa.text("status = 'pending'")


def upgrade():
    op.create_index(
        "uq_privacy_requests_one_pending",
        "privacy_requests",
        ["user_id"],
        unique=True,
        postgresql_where=PENDING_ONLY,
        sqlite_where=PENDING_ONLY,
    )


def downgrade():
    op.drop_index("uq_privacy_requests_one_pending", table_name="privacy_requests")
