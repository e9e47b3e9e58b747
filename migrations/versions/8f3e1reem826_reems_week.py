"""Reem's week: returns, payments in another currency, one run for every currency, shop phone country

Backfills: each shop reads local phone numbers in DEFAULT_PHONE_REGION (SY unless the
environment says otherwise); a payment's order_amount is its amount (all were in the
order's currency); refunds get the reason `cancelled` on cancelled orders, else `other`;
a run's per-product costs take the run's currency, and its run-level actual_cost
becomes a lump sum in that currency, before the run's currency and actual_cost go.

Revision ID: 8f3e1reem826
Revises: a2d10c5e4rch
Create Date: 2026-11-26 11:22:54.310479

"""
import os

from alembic import op
import sqlalchemy as sa
import shared.models.base
from shared.models.base import new_id


# revision identifiers, used by Alembic.
revision = '8f3e1reem826'
down_revision = 'a2d10c5e4rch'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('market_run_lump_sums',
    sa.Column('market_run_id', sa.String(length=26), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('amount', shared.models.base.Money(), nullable=False),
    sa.Column('id', sa.String(length=26), nullable=False),
    sa.ForeignKeyConstraint(['market_run_id'], ['market_runs.id'], name=op.f('fk_market_run_lump_sums_market_run_id_market_runs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_market_run_lump_sums')),
    sa.UniqueConstraint('market_run_id', 'currency', name=op.f('uq_market_run_lump_sums_market_run_id_currency'))
    )
    with op.batch_alter_table('market_run_lump_sums', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_market_run_lump_sums_market_run_id'), ['market_run_id'], unique=False)

    op.create_table('order_returns',
    sa.Column('order_id', sa.String(length=26), nullable=False),
    sa.Column('amount', shared.models.base.Money(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('returned_at', shared.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.String(length=26), nullable=True),
    sa.Column('id', sa.String(length=26), nullable=False),
    sa.Column('created_at', shared.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', shared.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_returns_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_order_returns_recorded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_returns'))
    )
    with op.batch_alter_table('order_returns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_returns_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_returns_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_returns_returned_at'), ['returned_at'], unique=False)

    op.create_table('order_return_lines',
    sa.Column('order_return_id', sa.String(length=26), nullable=False),
    sa.Column('order_line_id', sa.String(length=26), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price', shared.models.base.Money(), nullable=False),
    sa.Column('id', sa.String(length=26), nullable=False),
    sa.ForeignKeyConstraint(['order_line_id'], ['order_lines.id'], name=op.f('fk_order_return_lines_order_line_id_order_lines'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['order_return_id'], ['order_returns.id'], name=op.f('fk_order_return_lines_order_return_id_order_returns'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_return_lines'))
    )
    with op.batch_alter_table('order_return_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_return_lines_order_return_id'), ['order_return_id'], unique=False)

    with op.batch_alter_table('market_run_costs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('currency', sa.String(length=3), nullable=True))
        batch_op.add_column(sa.Column('cost', shared.models.base.Money(), nullable=True))
    op.execute("UPDATE market_run_costs SET cost = actual_cost, currency = (SELECT market_runs.currency "
               "FROM market_runs WHERE market_runs.id = market_run_costs.market_run_id)")
    with op.batch_alter_table('market_run_costs', schema=None) as batch_op:
        batch_op.alter_column('currency', existing_type=sa.String(length=3), nullable=False)
        batch_op.alter_column('cost', existing_type=shared.models.base.Money(), nullable=False)
        batch_op.drop_constraint(batch_op.f('uq_market_run_costs_market_run_id_product_id'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_market_run_costs_market_run_id_product_id_currency'), ['market_run_id', 'product_id', 'currency'])
        batch_op.drop_column('actual_cost')

    bind = op.get_bind()
    lump_sums = bind.execute(sa.text(
        "SELECT id, currency, actual_cost FROM market_runs WHERE actual_cost IS NOT NULL")).all()
    if lump_sums:
        bind.execute(sa.text("INSERT INTO market_run_lump_sums (id, market_run_id, currency, amount) "
                             "VALUES (:id, :run_id, :currency, :amount)"),
                     [{"id": new_id(), "run_id": run_id, "currency": currency, "amount": amount}
                      for run_id, currency, amount in lump_sums])
    with op.batch_alter_table('market_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_market_runs_run_date'), ['run_date'], unique=False)
    # Never a batch copy of market_runs: on SQLite it drops the old table, and with foreign
    # keys on that unlinks every order from its run and deletes the run's costs (ON DELETE).
    # ALTER TABLE ... DROP COLUMN needs SQLite 3.35 (2021).
    op.drop_column('market_runs', 'currency')
    op.drop_column('market_runs', 'actual_cost')

    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('returned_quantity', sa.Integer(), server_default='0', nullable=False))

    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('order_amount', shared.models.base.Money(), nullable=True))
        batch_op.add_column(sa.Column('rate', shared.models.base.Rate(), nullable=True))
        batch_op.add_column(sa.Column('rate_per', sa.String(length=3), nullable=True))
        batch_op.add_column(sa.Column('reason', sa.Enum('returned', 'cancelled', 'overpaid', 'correction', 'moved', 'other', name='refundreason', native_enum=False, length=20), nullable=True))
        batch_op.add_column(sa.Column('note', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('linked_order_id', sa.String(length=26), nullable=True))
        batch_op.create_index(batch_op.f('ix_payments_paid_at'), ['paid_at'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_payments_linked_order_id_orders'), 'orders', ['linked_order_id'], ['id'], ondelete='SET NULL')
    op.execute("UPDATE payments SET order_amount = amount")
    op.execute("UPDATE payments SET reason = CASE WHEN order_id IN "
               "(SELECT id FROM orders WHERE status = 'cancelled') THEN 'cancelled' ELSE 'other' END "
               "WHERE amount < 0")
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.alter_column('order_amount', existing_type=shared.models.base.Money(), nullable=False)

    with op.batch_alter_table('sellers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone_region', sa.String(length=2), server_default='SY', nullable=False))
    region = os.environ.get('DEFAULT_PHONE_REGION', 'SY').strip().upper()
    if region != 'SY' and len(region) == 2:
        bind.execute(sa.text("UPDATE sellers SET phone_region = :region"), {"region": region})



def downgrade():
    # Columns of sellers and order_lines are dropped in place: a batch copy of a parent
    # table deletes its children on SQLite (ON DELETE CASCADE) when it drops the old one.
    op.drop_column('sellers', 'phone_region')

    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_payments_linked_order_id_orders'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_payments_paid_at'))
        batch_op.drop_column('linked_order_id')
        batch_op.drop_column('note')
        batch_op.drop_column('reason')
        batch_op.drop_column('rate_per')
        batch_op.drop_column('rate')
        batch_op.drop_column('order_amount')

    op.drop_column('order_lines', 'returned_quantity')

    # A run of several currencies keeps one of them (its costs', lump sums' or orders',
    # else TRY), and the costs and lump sum in that currency: the old schema had room for
    # no more.
    # Columns added in place (no batch copy of market_runs: see upgrade), the currency with
    # a constant default so that it can be NOT NULL at once.
    with op.batch_alter_table('market_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_market_runs_run_date'))
    op.add_column('market_runs', sa.Column('actual_cost', sa.BIGINT(), nullable=True))
    op.add_column('market_runs', sa.Column('currency', sa.VARCHAR(length=3), server_default='TRY',
                                           nullable=False))
    op.execute("UPDATE market_runs SET currency = COALESCE("
               "(SELECT MIN(currency) FROM market_run_costs WHERE market_run_costs.market_run_id = market_runs.id), "
               "(SELECT MIN(currency) FROM market_run_lump_sums "
               "WHERE market_run_lump_sums.market_run_id = market_runs.id), "
               "(SELECT MIN(currency) FROM orders WHERE orders.market_run_id = market_runs.id), 'TRY')")
    op.execute("UPDATE market_runs SET actual_cost = (SELECT amount FROM market_run_lump_sums "
               "WHERE market_run_lump_sums.market_run_id = market_runs.id "
               "AND market_run_lump_sums.currency = market_runs.currency)")
    op.execute("DELETE FROM market_run_costs WHERE currency <> (SELECT currency FROM market_runs "
               "WHERE market_runs.id = market_run_costs.market_run_id)")

    with op.batch_alter_table('market_run_costs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actual_cost', sa.BIGINT(), nullable=True))
    op.execute("UPDATE market_run_costs SET actual_cost = cost")
    with op.batch_alter_table('market_run_costs', schema=None) as batch_op:
        batch_op.alter_column('actual_cost', existing_type=sa.BIGINT(), nullable=False)
        batch_op.drop_constraint(batch_op.f('uq_market_run_costs_market_run_id_product_id_currency'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_market_run_costs_market_run_id_product_id'), ['market_run_id', 'product_id'])
        batch_op.drop_column('cost')
        batch_op.drop_column('currency')

    with op.batch_alter_table('order_return_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_return_lines_order_return_id'))

    op.drop_table('order_return_lines')
    with op.batch_alter_table('order_returns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_returns_returned_at'))
        batch_op.drop_index(batch_op.f('ix_order_returns_order_id'))
        batch_op.drop_index(batch_op.f('ix_order_returns_created_at'))

    op.drop_table('order_returns')
    with op.batch_alter_table('market_run_lump_sums', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_market_run_lump_sums_market_run_id'))

    op.drop_table('market_run_lump_sums')
