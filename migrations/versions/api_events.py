"""the API's events feed (issue 26): api_events, one row per change and pesantren concerned

Revision ID: api_events_1
Revises: freight_trips_1
Create Date: 2026-12-07 16:00:00

"""

import sqlalchemy as sa
from alembic import op

import exchange.db

revision = "api_events_1"
down_revision = "freight_trips_1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "api_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pesantren_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("created_at", exchange.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["pesantren_id"], ["pesantren.id"], name=op.f("fk_api_events_pesantren_id_pesantren")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_events")),
    )
    op.create_index("ix_api_events_pesantren_id_id", "api_events", ["pesantren_id", "id"])


def downgrade():
    op.drop_index("ix_api_events_pesantren_id_id", table_name="api_events")
    op.drop_table("api_events")
