"""change log, tenant counters, versions on sellers, products, customers, market runs

Each shop gets its counter row, its last order number taken from its orders, so order
numbering continues where it was. The change log starts empty: rows written before it
existed reach phones through a full first sync.

Revision ID: 3a1c5e7d9b20
Revises: 72822e2747df
Create Date: 2026-11-26 12:00:00

"""
from alembic import op
import sqlalchemy as sa
import shared.models.base


# revision identifiers, used by Alembic.
revision = '3a1c5e7d9b20'
down_revision = '72822e2747df'
branch_labels = None
depends_on = None

VERSIONED = ('sellers', 'products', 'customers', 'market_runs')


def upgrade():
    op.create_table('changes',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('tenant_id', sa.String(length=26), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('row_id', sa.String(length=26), nullable=False),
    sa.Column('op', sa.Enum('upsert', 'delete', name='changeop', native_enum=False, length=6), nullable=False),
    sa.Column('at', shared.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.String(length=26), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_changes')),
    sa.UniqueConstraint('tenant_id', 'seq', name=op.f('uq_changes_tenant_id_seq'))
    )
    op.create_table('tenant_counters',
    sa.Column('tenant_id', sa.String(length=26), nullable=False),
    sa.Column('last_seq', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('last_order_number', sa.Integer(), server_default='0', nullable=False),
    sa.PrimaryKeyConstraint('tenant_id', name=op.f('pk_tenant_counters'))
    )
    op.execute(
        "INSERT INTO tenant_counters (tenant_id, last_seq, last_order_number) "
        "SELECT sellers.id, 0, COALESCE((SELECT MAX(orders.number) FROM orders "
        "WHERE orders.seller_id = sellers.id), 0) FROM sellers"
    )
    for table in VERSIONED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    for table in VERSIONED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('version')
    op.drop_table('tenant_counters')
    op.drop_table('changes')
