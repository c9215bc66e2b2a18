"""The contract facts' version: one row, rewritten by every transaction that rewrites the facts

The staff dashboard keeps what it computed from the contract facts under this number
(``exchange/dashboard/memo.py``) and computes again when it changes.

Revision ID: facts_version_1
Revises: typed_states_1
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "facts_version_1"
down_revision = "typed_states_1"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "contract_facts_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_facts_version")),
    )
    op.bulk_insert(table, [{"id": 1, "version": secrets.randbits(62) + 1}])


def downgrade():
    op.drop_table("contract_facts_version")
