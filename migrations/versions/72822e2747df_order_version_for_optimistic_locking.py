"""order version for optimistic locking

Existing orders start at version 1 (server default), as new ones do.

Revision ID: 72822e2747df
Revises: fc4cf973bcd9
Create Date: 2026-11-26 04:22:16.125824

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '72822e2747df'
down_revision = 'fc4cf973bcd9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_column('version')
