"""pesantren: who signs contracts for the kopontren (name and position)

Revision ID: documents_1
Revises: 2dbc73436f3e
Create Date: 2026-12-02 01:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = "documents_1"
down_revision = "sharia_1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("pesantren", schema=None) as batch_op:
        batch_op.add_column(sa.Column("signatory_name", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("signatory_position", sa.String(length=120), nullable=True))


def downgrade():
    with op.batch_alter_table("pesantren", schema=None) as batch_op:
        batch_op.drop_column("signatory_position")
        batch_op.drop_column("signatory_name")
