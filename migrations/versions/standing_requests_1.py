"""kebutuhan rutin (issue 29): standing_requests

Revision ID: standing_requests_1
Revises: registry_import_1
Create Date: 2026-12-07 16:30:00

"""

import sqlalchemy as sa
from alembic import op

import exchange.db

revision = "standing_requests_1"
down_revision = "registry_import_1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "standing_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pesantren_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("commodity_id", sa.Integer(), nullable=False),
        sa.Column("grade", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("min_quantity", sa.BigInteger(), nullable=True),
        sa.Column("price", sa.BigInteger(), nullable=False),
        sa.Column("akad", sa.JSON(), nullable=False),
        sa.Column("max_distance_km", sa.Float(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column(
            "cadence",
            sa.Enum(
                "weekly",
                "biweekly",
                "monthly",
                name="cadence_valid",
                native_enum=False,
                length=10,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("window_days", sa.Integer(), nullable=False),
        sa.Column("anchor_day", sa.Integer(), nullable=False),
        sa.Column("next_start", sa.Date(), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("skips", sa.JSON(), nullable=False),
        sa.Column("stopped_at", exchange.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", exchange.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_standing_requests_quantity_positive")),
        sa.CheckConstraint("price > 0", name=op.f("ck_standing_requests_price_positive")),
        sa.CheckConstraint(
            "window_days BETWEEN 1 AND 31", name=op.f("ck_standing_requests_window_days_range")
        ),
        sa.ForeignKeyConstraint(
            ["commodity_id"],
            ["commodities.id"],
            name=op.f("fk_standing_requests_commodity_id_commodities"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_standing_requests_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["pesantren_id"],
            ["pesantren.id"],
            name=op.f("fk_standing_requests_pesantren_id_pesantren"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_standing_requests")),
    )
    with op.batch_alter_table("standing_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_standing_requests_next_start"), ["next_start"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_standing_requests_pesantren_id"), ["pesantren_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("standing_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_standing_requests_pesantren_id"))
        batch_op.drop_index(batch_op.f("ix_standing_requests_next_start"))
    op.drop_table("standing_requests")
