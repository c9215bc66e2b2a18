"""made to order is a property of the listing (issue 25): listings.made_to_order

Listings that already accept istisna' were made to order by the catalogue's flag; they keep
istisna' and are marked made to order.

Revision ID: listing_made_to_order
Revises: whatsapp_channel_1
Create Date: 2026-12-07 14:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "listing_made_to_order"
down_revision = "whatsapp_channel_1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("listings") as batch:
        batch.add_column(
            sa.Column("made_to_order", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    listings = sa.table(
        "listings",
        sa.column("id", sa.Integer),
        sa.column("akad", sa.JSON),
        sa.column("made_to_order", sa.Boolean),
    )
    bind = op.get_bind()
    ids = [
        row.id
        for row in bind.execute(sa.select(listings.c.id, listings.c.akad))
        if "istisna" in (row.akad or [])
    ]
    if ids:
        bind.execute(listings.update().where(listings.c.id.in_(ids)).values(made_to_order=True))


def downgrade():
    with op.batch_alter_table("listings") as batch:
        batch.drop_column("made_to_order")
