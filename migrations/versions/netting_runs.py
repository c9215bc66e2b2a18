"""Add netting runs (kliring): runs, their items and parties; the set-off payment method

Revision ID: netting_1
Revises: hardening_1
"""

import sqlalchemy as sa
from alembic import op

import exchange.db

revision = "netting_1"
down_revision = "hardening_1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "netting_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("horizon", sa.Date(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("cleared", sa.BigInteger(), nullable=False),
        sa.Column("rounds", sa.Integer(), nullable=False),
        sa.Column("started_by_id", sa.Integer(), nullable=True),
        sa.Column("applied_at", exchange.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", exchange.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('proposed', 'applied', 'empty', 'superseded')", name=op.f("ck_netting_runs_status_known")
        ),
        sa.CheckConstraint(
            "cleared >= 0 AND cleared <= total", name=op.f("ck_netting_runs_cleared_bounded")
        ),
        sa.ForeignKeyConstraint(
            ["started_by_id"], ["users.id"], name=op.f("fk_netting_runs_started_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_netting_runs")),
    )
    op.create_table(
        "netting_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("debtor_id", sa.Integer(), nullable=False),
        sa.Column("creditor_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("set_off", sa.BigInteger(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "set_off >= 0 AND set_off <= amount", name=op.f("ck_netting_items_set_off_bounded")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["netting_runs.id"], name=op.f("fk_netting_items_run_id_netting_runs")
        ),
        sa.ForeignKeyConstraint(
            ["deal_id"], ["deals.id"], name=op.f("fk_netting_items_deal_id_deals")
        ),
        sa.ForeignKeyConstraint(
            ["debtor_id"], ["pesantren.id"], name=op.f("fk_netting_items_debtor_id_pesantren")
        ),
        sa.ForeignKeyConstraint(
            ["creditor_id"], ["pesantren.id"], name=op.f("fk_netting_items_creditor_id_pesantren")
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"],
            ["deal_payments.id"],
            name=op.f("fk_netting_items_payment_id_deal_payments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_netting_items")),
        sa.UniqueConstraint("run_id", "deal_id", name=op.f("uq_netting_items_run_id_deal_id")),
    )
    for column in ("run_id", "deal_id", "debtor_id", "creditor_id"):
        op.create_index(op.f(f"ix_netting_items_{column}"), "netting_items", [column])
    op.create_table(
        "netting_parties",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("pesantren_id", sa.Integer(), nullable=False),
        sa.Column("answer", sa.String(length=10), nullable=False),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", exchange.db.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "answer IN ('pending', 'confirmed', 'declined')",
            name=op.f("ck_netting_parties_answer_known"),
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["netting_runs.id"], name=op.f("fk_netting_parties_run_id_netting_runs")
        ),
        sa.ForeignKeyConstraint(
            ["pesantren_id"],
            ["pesantren.id"],
            name=op.f("fk_netting_parties_pesantren_id_pesantren"),
        ),
        sa.ForeignKeyConstraint(
            ["answered_by_id"],
            ["users.id"],
            name=op.f("fk_netting_parties_answered_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_netting_parties")),
        sa.UniqueConstraint(
            "run_id", "pesantren_id", name=op.f("uq_netting_parties_run_id_pesantren_id")
        ),
    )
    for column in ("run_id", "pesantren_id"):
        op.create_index(op.f(f"ix_netting_parties_{column}"), "netting_parties", [column])
    with op.batch_alter_table("deal_payments", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_deal_payments_method_known"), type_="check")
        batch_op.create_check_constraint("method_known", "method IN ('cash', 'offset', 'setoff')")


def downgrade():
    with op.batch_alter_table("deal_payments", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_deal_payments_method_known"), type_="check")
        batch_op.create_check_constraint("method_known", "method IN ('cash', 'offset')")
    for column in ("run_id", "pesantren_id"):
        op.drop_index(op.f(f"ix_netting_parties_{column}"), table_name="netting_parties")
    op.drop_table("netting_parties")
    for column in ("run_id", "deal_id", "debtor_id", "creditor_id"):
        op.drop_index(op.f(f"ix_netting_items_{column}"), table_name="netting_items")
    op.drop_table("netting_items")
    op.drop_table("netting_runs")
