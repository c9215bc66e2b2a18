"""listing minimum quantity per deal; the akad of a proposal

Revision ID: clearing_1
Revises: 2dbc73436f3e
Create Date: 2026-12-02 01:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "clearing_1"
down_revision = "2dbc73436f3e"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("listings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("min_quantity", sa.BigInteger(), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_listings_min_quantity_positive"), "min_quantity > 0"
        )
        batch_op.create_check_constraint(
            op.f("ck_listings_min_quantity_within_quantity"), "min_quantity <= quantity"
        )
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("akad", sa.String(length=12), nullable=True))


def downgrade():
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.drop_column("akad")
    with op.batch_alter_table("listings", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_listings_min_quantity_within_quantity"), type_="check")
        batch_op.drop_constraint(op.f("ck_listings_min_quantity_positive"), type_="check")
        batch_op.drop_column("min_quantity")
