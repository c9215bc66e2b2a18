"""Akad rules, round three: the murabahah seller states it owns the goods; the salam seller
confirms receipt of the price; a late ribawi bundle leg is flagged; kliring answers have a
deadline and apply per cleared group; the kopontren's NPWP and PKP status.

Revision ID: akad_rules_3
Revises: typed_vocabularies_1
"""

import sqlalchemy as sa
from alembic import op

import exchange.db

revision = "akad_rules_3"
down_revision = "typed_vocabularies_1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("pesantren") as batch:
        batch.add_column(sa.Column("npwp", sa.String(16), nullable=True))
        batch.add_column(
            sa.Column("is_pkp", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("deal_terms") as batch:
        batch.add_column(
            sa.Column("seller_owns", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("netting_runs") as batch:
        batch.add_column(
            sa.Column("answer_by", exchange.db.UTCDateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("deal_bundles") as batch:
        batch.add_column(
            sa.Column("breach_at", exchange.db.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table("pesantren") as batch:
        batch.drop_column("is_pkp")
        batch.drop_column("npwp")
    with op.batch_alter_table("deal_bundles") as batch:
        batch.drop_column("breach_at")
    with op.batch_alter_table("netting_runs") as batch:
        batch.drop_column("answer_by")
    with op.batch_alter_table("deal_terms") as batch:
        batch.drop_column("seller_owns")
