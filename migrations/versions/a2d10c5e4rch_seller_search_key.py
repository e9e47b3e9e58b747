"""sellers.search_key: shops found by name, area or WhatsApp number, Arabic spelling folded

Existing shops get their key computed here, with the same function the model uses.

Revision ID: a2d10c5e4rch
Revises: 3a1c5e7d9b20
Create Date: 2026-11-27 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a2d10c5e4rch'
down_revision = '3a1c5e7d9b20'
branch_labels = None
depends_on = None


def upgrade():
    from shared.models.sellers import search_key

    with op.batch_alter_table('sellers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_key', sa.Text(), server_default='', nullable=False))
    sellers = sa.table('sellers', sa.column('id', sa.String), sa.column('name', sa.String),
                       sa.column('area', sa.String), sa.column('whatsapp_phone', sa.String),
                       sa.column('search_key', sa.Text))
    conn = op.get_bind()
    for row in conn.execute(sa.select(sellers.c.id, sellers.c.name, sellers.c.area,
                                      sellers.c.whatsapp_phone)).all():
        conn.execute(sellers.update().where(sellers.c.id == row.id)
                     .values(search_key=search_key(row.name, row.area, row.whatsapp_phone)))


def downgrade():
    # In place (SQLite 3.35+), not a batch copy: copying sellers would drop the old table,
    # and ON DELETE CASCADE would take every shop's products, orders and runs with it.
    op.drop_column('sellers', 'search_key')
