"""a listing's own place in words (issue 27): listings.place_name

Revision ID: listing_place_name
Revises: akad_rules_3
Create Date: 2026-12-07 13:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "listing_place_name"
down_revision = "akad_rules_3"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("listings") as batch:
        batch.add_column(sa.Column("place_name", sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table("listings") as batch:
        batch.drop_column("place_name")
