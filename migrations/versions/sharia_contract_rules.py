"""Sharia contract rules: made-to-order and ribawi class per commodity, refunds, the salam
due date the buyer waits for, the same-session flag, bundle settlement and untying, payment
method (cash or offset); the NSPP becomes optional.

Revision ID: sharia_1
Revises: 2dbc73436f3e
"""

import sqlalchemy as sa
from alembic import op

import exchange.db

revision = "sharia_1"
down_revision = "clearing_1"
branch_labels = None
depends_on = None

MADE_TO_ORDER = ("batik_tulis", "batik_cap", "sarung", "seragam", "buku_kitab") + (
    "amdk_gelas",
    "amdk_botol",
    "amdk_galon",
)


RICE_GRADES = ["Premium", "Medium 1", "Medium 2", "Medium 3"]  # SNI 6128:2020, best first


def _merge_rice():
    """Rice premium and medium become grades of one commodity, ``beras`` (DOMAIN.md section 5),
    so that a premium offer can fill a medium request. Grades are ranks (higher is better):
    medium's Medium 1 (2) and Medium 2 (1) become 3 and 2; premium's two grades both become
    Premium (4). Listings, deals, their terms and handovers, and proposals follow."""
    conn = op.get_bind()
    catalogue = sa.table("commodities", sa.column("id", sa.Integer), sa.column("slug", sa.String))
    ids = dict(
        conn.execute(
            sa.select(catalogue.c.slug, catalogue.c.id).where(
                catalogue.c.slug.in_(("beras_medium", "beras_premium"))
            )
        ).all()
    )
    medium, premium = ids.get("beras_medium"), ids.get("beras_premium")
    target = medium or premium
    if target is None:
        return  # an empty catalogue: load-reference brings ``beras``
    listings = sa.table("listings", sa.column("grade"), sa.column("commodity_id"))
    deals = sa.table("deals", sa.column("id"), sa.column("commodity_id"))
    terms = sa.table("deal_terms", sa.column("grade"), sa.column("deal_id"))
    handovers = sa.table("deal_deliveries", sa.column("grade_received"), sa.column("deal_id"))
    proposals = sa.table("proposals", sa.column("commodity_id"))
    for commodity, premium_grade in ((medium, False), (premium, True)):
        if commodity is None:
            continue
        of_deals = sa.select(deals.c.id).where(deals.c.commodity_id == commodity)
        conn.execute(
            listings.update()
            .where(listings.c.commodity_id == commodity)
            .values(grade=4 if premium_grade else listings.c.grade + 1)
        )
        conn.execute(
            terms.update()
            .where(terms.c.grade.is_not(None), terms.c.deal_id.in_(of_deals))
            .values(grade=4 if premium_grade else terms.c.grade + 1)
        )
        conn.execute(
            handovers.update()
            .where(handovers.c.grade_received.is_not(None), handovers.c.deal_id.in_(of_deals))
            .values(grade_received=4 if premium_grade else handovers.c.grade_received + 1)
        )
    if medium is not None and premium is not None:
        for table in (listings, deals, proposals):
            conn.execute(
                table.update().where(table.c.commodity_id == premium).values(commodity_id=medium)
            )
        conn.execute(catalogue.delete().where(catalogue.c.id == premium))
    commodities = sa.table(
        "commodities",
        sa.column("id", sa.Integer),
        sa.column("slug", sa.String),
        sa.column("name_id", sa.String),
        sa.column("name_en", sa.String),
        sa.column("grades", sa.JSON),
    )
    conn.execute(
        commodities.update()
        .where(commodities.c.id == target)
        .values(slug="beras", name_id="Beras", name_en="Milled rice", grades=RICE_GRADES)
    )


def upgrade():
    with op.batch_alter_table("commodities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ribawi_class", sa.String(length=20), nullable=True))
        batch_op.add_column(
            sa.Column("made_to_order", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    commodities = sa.table(
        "commodities",
        sa.column("slug", sa.String),
        sa.column("is_ribawi", sa.Boolean),
        sa.column("ribawi_class", sa.String),
        sa.column("made_to_order", sa.Boolean),
    )
    op.execute(
        commodities.update()
        .where(commodities.c.slug.in_(MADE_TO_ORDER))
        .values(made_to_order=sa.true())
    )
    op.execute(
        commodities.update().where(commodities.c.is_ribawi == sa.true()).values(ribawi_class="food")
    )
    _merge_rice()

    # The NSPP is optional at registration and kept as typed (DOMAIN.md section 6)
    with op.batch_alter_table("pesantren", schema=None) as batch_op:
        batch_op.alter_column(
            "nspp",
            existing_type=sa.String(length=12),
            type_=sa.String(length=20),
            nullable=True,
        )

    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("delivery_due", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("same_session_at", exchange.db.UTCDateTime(timezone=True), nullable=True)
        )

    with op.batch_alter_table("deal_payments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("method", sa.String(length=10), nullable=False, server_default="cash")
        )
        batch_op.create_check_constraint("method_known", "method IN ('cash', 'offset')")

    with op.batch_alter_table("deal_bundles", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("settled_at", exchange.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("untie_requested_by", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_deal_bundles_untie_requested_by_pesantren"),
            "pesantren",
            ["untie_requested_by"],
            ["id"],
        )

    op.create_table(
        "deal_refunds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("refunded_on", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", exchange.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_deal_refunds_amount_positive")),
        sa.ForeignKeyConstraint(
            ["deal_id"], ["deals.id"], name=op.f("fk_deal_refunds_deal_id_deals")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_deal_refunds_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deal_refunds")),
    )
    with op.batch_alter_table("deal_refunds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deal_refunds_deal_id"), ["deal_id"], unique=False)


def downgrade():
    # The rice merge is not undone (the two commodities' listings cannot be told apart again).
    with op.batch_alter_table("deal_refunds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deal_refunds_deal_id"))
    op.drop_table("deal_refunds")
    with op.batch_alter_table("deal_bundles", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_deal_bundles_untie_requested_by_pesantren"), type_="foreignkey"
        )
        batch_op.drop_column("untie_requested_by")
        batch_op.drop_column("settled_at")
    with op.batch_alter_table("deal_payments", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_deal_payments_method_known"), type_="check")
        batch_op.drop_column("method")
    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.drop_column("same_session_at")
        batch_op.drop_column("delivery_due")
    with op.batch_alter_table("pesantren", schema=None) as batch_op:
        batch_op.alter_column(
            "nspp",
            existing_type=sa.String(length=20),
            type_=sa.String(length=12),
            nullable=False,
        )
    with op.batch_alter_table("commodities", schema=None) as batch_op:
        batch_op.drop_column("made_to_order")
        batch_op.drop_column("ribawi_class")
