"""uploaded spreadsheets kept between preview and confirmation (issue 29): sheet_uploads

Revision ID: registry_import_1
Revises: listing_made_to_order
Create Date: 2026-12-07 16:00:00

"""

import sqlalchemy as sa
from alembic import op

import exchange.db

revision = "registry_import_1"
down_revision = "listing_made_to_order"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sheet_uploads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "registry",
                "listings",
                name="kind_valid",
                native_enum=False,
                length=12,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("created_at", exchange.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", exchange.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_sheet_uploads_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sheet_uploads")),
        sa.UniqueConstraint("token", name=op.f("uq_sheet_uploads_token")),
    )
    with op.batch_alter_table("sheet_uploads", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sheet_uploads_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("sheet_uploads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sheet_uploads_user_id"))
    op.drop_table("sheet_uploads")
