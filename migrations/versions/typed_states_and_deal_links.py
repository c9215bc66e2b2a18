"""Typed state columns: CHECK constraints from the vocabularies' enums; the deal <-> proposal keys

The state columns keep their VARCHAR type and their values (no data changes); each gets the
CHECK constraint the models generate from its StrEnum (``exchange.db.enum_type``). And the two
links between a negotiation and the proposal it came from become foreign keys:
``deals.proposal_id -> proposals.id`` and ``proposals.deal_id -> deals.id``.

Revision ID: typed_states_1
Revises: clearing_byproducts
"""

from alembic import op

revision = "typed_states_1"
down_revision = 'clearing_byproducts'
branch_labels = None
depends_on = None

DEAL_STATES = (
    "negotiating",
    "rejected",
    "withdrawn",
    "expired",
    "signed",
    "shipped",
    "received",
    "completed",
    "disputed",
    "cancelled",
)
SIDES = ("seller", "buyer")
LISTING_SIDES = ("offer", "request")
LISTING_STATUSES = ("active", "fulfilled", "withdrawn", "expired", "hidden")
PROPOSAL_STATUSES = ("proposed", "declined", "superseded", "acted")

# (table, constraint name, column, values): the names the naming convention gives the models'
CHECKS = (
    ("deals", "state_valid", "state", DEAL_STATES),
    ("deals", "whose_turn_valid", "whose_turn", SIDES),
    ("deals", "cancel_requested_by_valid", "cancel_requested_by", SIDES),
    ("deals", "disputed_by_valid", "disputed_by", SIDES),
    ("deals", "resume_state_valid", "resume_state", DEAL_STATES),
    ("listings", "side_valid", "side", LISTING_SIDES),
    ("listings", "status_valid", "status", LISTING_STATUSES),
    ("proposals", "status_valid", "status", PROPOSAL_STATUSES),
)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade():
    for table in ("deals", "listings", "proposals"):
        with op.batch_alter_table(table) as batch:
            for t, name, column, values in CHECKS:
                if t == table:
                    batch.create_check_constraint(op.f(f"ck_{table}_{name}"), _in(column, values))
            if table == "deals":
                batch.create_foreign_key(
                    op.f("fk_deals_proposal_id_proposals"), "proposals", ["proposal_id"], ["id"]
                )
            if table == "proposals":
                batch.create_foreign_key(
                    op.f("fk_proposals_deal_id_deals"), "deals", ["deal_id"], ["id"]
                )


def downgrade():
    for table in ("proposals", "listings", "deals"):
        with op.batch_alter_table(table) as batch:
            if table == "proposals":
                batch.drop_constraint(op.f("fk_proposals_deal_id_deals"), type_="foreignkey")
            if table == "deals":
                batch.drop_constraint(op.f("fk_deals_proposal_id_proposals"), type_="foreignkey")
            for t, name, _column, _values in CHECKS:
                if t == table:
                    batch.drop_constraint(op.f(f"ck_{table}_{name}"), type_="check")
