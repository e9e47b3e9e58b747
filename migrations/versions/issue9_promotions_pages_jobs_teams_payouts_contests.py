"""pages, promotion jobs, teams, contributions, payouts, contests, client payments

Zeina's work (issue 9). Shop rows: pages, promotion jobs with their members, status
events and progress records, client payments. Team rows (a team is a tenant of the
change log of its own): teams and members, contributions, payout sets and payouts,
contests and entries. All new tables: nothing to backfill.

Revision ID: issue9_promotions
Revises: 8f3e1reem826
Create Date: 2026-11-26 11:37:02.825680

"""
from alembic import op
import sqlalchemy as sa
import shared.models.base


# revision identifiers, used by Alembic.
revision = 'issue9_promotions'
down_revision = '8f3e1reem826'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('teams',
    sa.Column('coordinator_id', sa.String(length=26), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('coordinator_share', shared.models.base.Money(), nullable=False),
    sa.Column('search_key', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=26), nullable=False),
    sa.Column('created_at', shared.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', shared.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['coordinator_id'], ['users.id'], name=op.f('fk_teams_coordinator_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_teams'))
    )
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.create_index('ix_teams_coordinator_recent', ['coordinator_id', 'created_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_teams_created_at'), ['created_at'], unique=False)

    op.create_table('client_payments',
    sa.Column('seller_id', sa.String(length=26), nullable=False),
    sa.Column('amount', shared.models.base.Money(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('method', sa.Enum('cash', 'transfer', 'other', name='paymentmethod', native_enum=False, length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.String(length=26), nullable=True),
    sa.Column('id', sa.String(length=26), nullable=False),
    sa.Column('created_at', shared.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', shared.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_client_payments_recorded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['seller_id'], ['sellers.id'], name=op.f('fk_client_payments_seller_id_sellers'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_client_payments'))
    )
    with op.batch_alter_table('client_payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_client_payments_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_client_payments_seller_id'), ['seller_id'], unique=False)
        batch_op.create_index('ix_client_payments_seller_recent', ['seller_id', 'created_at', 'id'], unique=False)

    op.create_table('contests',
    sa.Column('team_id', sa.String(length=26), nullable=False),
    sa.Column('seller_id', sa.String(length=26), nullable=True),
    sa.Column('shop_name', sa.String(length=120), nullable=False),
    sa.Column('shop_url', sa.String(length=500), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('prize_description', sa.Text(), nullable=False),
    sa.Column('prize_value', shared.models.base.Money(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=True),
    sa.Column('starts_at', shared.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', shared.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('rules_url', sa.String(length=500), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('search_key', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=26), nullable=False),
    sa.Column('created_at', shared.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', shared.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['seller_id'], ['sellers.id'], name=op.f('fk_contests_seller_id_sellers'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_contests_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contests'))
    )
    with op.batch_alter_table('contests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contests_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_contests_team_recent', ['team_id', 'created_at', 'id'], unique=False)

    op.create_table('pages',
    sa.Column('seller_id', sa.String(length=26), nullable=False),
    sa.Column('platform', sa.Enum('facebook', 'instagram', 'whatsapp_channel', 'telegram', 'tiktok', 'youtube', name='platform', native_enum=False, length=20), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.Column('handle', sa.String(length=120), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('search_key', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=26), nullable=False),
    sa.Column('created_at', shared.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', shared.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['seller_id'], ['sellers.id'], name=op.f('fk_pages_seller_id_sellers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pages'))
    )
    with op.batch_alter_table('pages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pages_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_pages_seller_id'), ['seller_id'], unique=False)
        batch_op.create_index('ix_pages_seller_recent', ['seller_id', 'created_at', 'id'], unique=False)

    op.create_table('team_members',
    sa.Column('team_id', sa.String(length=26), nullable=False),
    sa.Column('user_id', sa.String(length=26), nullable=False),
    sa.Column('joined_at', shared.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.String(length=26), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_team_members_team_id_teams'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_team_members_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_team_members')),
    sa.UniqueConstraint('team_id', 'user_id', name=op.f('uq_team_members_team_id_user_id'))
    )
    with op.batch_alter_table('team_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_members_team_id'), ['team_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_team_members_user_id'), ['user_id'], unique=False)

    op.create_table('contest_entries',
    sa.Column('contest_id', sa.String(length=26), nullable=False),
    sa.Column('user_id', sa.String(length=26), nullable=False),
    sa.Column('entered_at', shared.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('evidence_url', sa.String(length=500), nullable=True),
    sa.Column('result', sa.Enum('pending', 'won', 'lost', name='entryresult', native_enum=False, length=20), nullable=False),
    sa.Column('prize_received', sa.Boolean(), nullable=False),
    sa.Column('prize_received_on', sa.Date(), nullable=True),
    sa.Column('id', sa.String(length=26), nullable=False),
    sa.ForeignKeyConstraint(['contest_id'], ['contests.id'], name=op.f('fk_contest_entries_contest_id_contests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_contest_entries_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contest_entries')),
    sa.UniqueConstraint('contest_id', 'user_id', name=op.f('uq_contest_entries_contest_id_user_id'))
    )
    with op.batch_alter_table('contest_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contest_entries_contest_id'), ['contest_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contest_entries_user_id'), ['user_id'], unique=False)

    op.create_table('promotion_jobs',
    sa.Column('seller_id', sa.String(length=26), nullable=False),
    sa.Column('page_id', sa.String(length=26), nullable=False),
    sa.Column('coordinator_id', sa.String(length=26), nullable=False),
    sa.Column('team_id', sa.String(length=26), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('metric', sa.Enum('followers', 'likes', 'shares', 'comments', 'views', name='metric', native_enum=False, length=20), nullable=False),
    sa.Column('baseline_count', sa.BigInteger(), nullable=False),
    sa.Column('target_gain', sa.BigInteger(), nullable=False),
    sa.Column('price', shared.models.base.Money(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('reward_description', sa.Text(), nullable=True),
    sa.Column('reward_value', shared.models.base.Money(), nullable=True),
    sa.Column('reward_received', sa.Boolean(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('disclosure', sa.String(length=60), nullable=False),
    sa.Column('split', sa.Enum('equal', 'contributions', name='split', native_enum=False, length=20), nullable=False),
    sa.Column('status', sa.Enum('draft', 'active', 'completed', 'cancelled', name='jobstatus', native_enum=False, length=20), nullable=False),
    sa.Column('started_at', shared.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ended_at', shared.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('final_count', sa.BigInteger(), nullable=True),
    sa.Column('final_earned', shared.models.base.Money(), nullable=True),
    sa.Column('paid_through', shared.models.base.Money(), server_default='0', nullable=False),
    sa.Column('search_key', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=26), nullable=False),
    sa.Column('created_at', shared.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', shared.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['coordinator_id'], ['users.id'], name=op.f('fk_promotion_jobs_coordinator_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['page_id'], ['pages.id'], name=op.f('fk_promotion_jobs_page_id_pages'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['seller_id'], ['sellers.id'], name=op.f('fk_promotion_jobs_seller_id_sellers'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_promotion_jobs_team_id_teams'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_promotion_jobs'))
    )
    with op.batch_alter_table('promotion_jobs', schema=None) as batch_op:
        batch_op.create_index('ix_promotion_jobs_coordinator_recent', ['coordinator_id', 'created_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_promotion_jobs_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_promotion_jobs_page_id'), ['page_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_promotion_jobs_seller_id'), ['seller_id'], unique=False)
        batch_op.create_index('ix_promotion_jobs_seller_recent', ['seller_id', 'created_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_promotion_jobs_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_promotion_jobs_team_id'), ['team_id'], unique=False)

    op.create_table('contributions',
    sa.Column('job_id', sa.String(length=26), nullable=False),
    sa.Column('team_id', sa.String(length=26), nullable=False),
    sa.Column('user_id', sa.String(length=26), nullable=False),
    sa.Column('kind', sa.Enum('followers', 'likes', 'shares', 'comments', 'views', 'posts', 'other', name='contributionkind', native_enum=False, length=20), nullable=False),
    sa.Column('quantity', sa.BigInteger(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('evidence_url', sa.String(length=500), nullable=True),
    sa.Column('status', sa.Enum('pending', 'approved', 'rejected', name='reviewstatus', native_enum=False, length=20), nullable=False),
    sa.Column('reviewed_by_id', sa.String(length=26), nullable=True),
    sa.Column('reviewed_at', shared.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('rejection_reason', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=26), nullable=False),
    sa.Column('created_at', shared.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', shared.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['promotion_jobs.id'], name=op.f('fk_contributions_job_id_promotion_jobs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_contributions_reviewed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_contributions_team_id_teams'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_contributions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contributions'))
    )
    with op.batch_alter_table('contributions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contributions_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_contributions_job_id'), ['job_id'], unique=False)
        batch_op.create_index('ix_contributions_team_recent', ['team_id', 'created_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contributions_user_id'), ['user_id'], unique=False)

    op.create_table('payout_sets',
    sa.Column('job_id', sa.String(length=26), nullable=False),
    sa.Column('team_id', sa.String(length=26), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('split', sa.Enum('equal', 'contributions', name='split', native_enum=False, length=20), nullable=False),
    sa.Column('earned_before', shared.models.base.Money(), nullable=False),
    sa.Column('earned_through', shared.models.base.Money(), nullable=False),
    sa.Column('coordinator_share', shared.models.base.Money(), nullable=False),
    sa.Column('coordinator_amount', shared.models.base.Money(), nullable=False),
    sa.Column('amount', shared.models.base.Money(), nullable=False),
    sa.Column('created_by_id', sa.String(length=26), nullable=True),
    sa.Column('id', sa.String(length=26), nullable=False),
    sa.Column('created_at', shared.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', shared.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_payout_sets_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['job_id'], ['promotion_jobs.id'], name=op.f('fk_payout_sets_job_id_promotion_jobs'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_payout_sets_team_id_teams'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payout_sets')),
    sa.UniqueConstraint('job_id', 'earned_before', name=op.f('uq_payout_sets_job_id_earned_before'))
    )
    with op.batch_alter_table('payout_sets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payout_sets_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_payout_sets_team_recent', ['team_id', 'created_at', 'id'], unique=False)

    op.create_table('promotion_events',
    sa.Column('job_id', sa.String(length=26), nullable=False),
    sa.Column('actor_id', sa.String(length=26), nullable=True),
    sa.Column('from_status', sa.Enum('draft', 'active', 'completed', 'cancelled', name='jobstatus', native_enum=False, length=20), nullable=True),
    sa.Column('to_status', sa.Enum('draft', 'active', 'completed', 'cancelled', name='jobstatus', native_enum=False, length=20), nullable=False),
    sa.Column('at', shared.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.String(length=26), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_promotion_events_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['job_id'], ['promotion_jobs.id'], name=op.f('fk_promotion_events_job_id_promotion_jobs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_promotion_events'))
    )
    with op.batch_alter_table('promotion_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_promotion_events_job_id'), ['job_id'], unique=False)

    op.create_table('promotion_members',
    sa.Column('job_id', sa.String(length=26), nullable=False),
    sa.Column('user_id', sa.String(length=26), nullable=False),
    sa.Column('assigned_at', shared.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.String(length=26), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['promotion_jobs.id'], name=op.f('fk_promotion_members_job_id_promotion_jobs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_promotion_members_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_promotion_members')),
    sa.UniqueConstraint('job_id', 'user_id', name=op.f('uq_promotion_members_job_id_user_id'))
    )
    with op.batch_alter_table('promotion_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_promotion_members_job_id'), ['job_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_promotion_members_user_id'), ['user_id'], unique=False)

    op.create_table('promotion_progress',
    sa.Column('job_id', sa.String(length=26), nullable=False),
    sa.Column('count', sa.BigInteger(), nullable=False),
    sa.Column('observed_at', shared.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('evidence_url', sa.String(length=500), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.String(length=26), nullable=True),
    sa.Column('created_at', shared.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.String(length=26), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['promotion_jobs.id'], name=op.f('fk_promotion_progress_job_id_promotion_jobs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_promotion_progress_recorded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_promotion_progress'))
    )
    with op.batch_alter_table('promotion_progress', schema=None) as batch_op:
        batch_op.create_index('ix_promotion_progress_job_observed', ['job_id', 'observed_at'], unique=False)

    op.create_table('payouts',
    sa.Column('payout_set_id', sa.String(length=26), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.String(length=26), nullable=False),
    sa.Column('team_id', sa.String(length=26), nullable=False),
    sa.Column('user_id', sa.String(length=26), nullable=False),
    sa.Column('weight', sa.BigInteger(), nullable=False),
    sa.Column('amount', shared.models.base.Money(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('status', sa.Enum('pending', 'paid', name='payoutstatus', native_enum=False, length=20), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('method', sa.Enum('cash', 'transfer', 'other', name='paymentmethod', native_enum=False, length=20), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=26), nullable=False),
    sa.Column('created_at', shared.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', shared.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['promotion_jobs.id'], name=op.f('fk_payouts_job_id_promotion_jobs'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['payout_set_id'], ['payout_sets.id'], name=op.f('fk_payouts_payout_set_id_payout_sets'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_payouts_team_id_teams'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_payouts_user_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payouts'))
    )
    with op.batch_alter_table('payouts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payouts_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_payouts_job_id'), ['job_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payouts_payout_set_id'), ['payout_set_id'], unique=False)
        batch_op.create_index('ix_payouts_team_recent', ['team_id', 'created_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payouts_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('payouts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payouts_user_id'))
        batch_op.drop_index('ix_payouts_team_recent')
        batch_op.drop_index(batch_op.f('ix_payouts_payout_set_id'))
        batch_op.drop_index(batch_op.f('ix_payouts_job_id'))
        batch_op.drop_index(batch_op.f('ix_payouts_created_at'))

    op.drop_table('payouts')
    with op.batch_alter_table('promotion_progress', schema=None) as batch_op:
        batch_op.drop_index('ix_promotion_progress_job_observed')

    op.drop_table('promotion_progress')
    with op.batch_alter_table('promotion_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_promotion_members_user_id'))
        batch_op.drop_index(batch_op.f('ix_promotion_members_job_id'))

    op.drop_table('promotion_members')
    with op.batch_alter_table('promotion_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_promotion_events_job_id'))

    op.drop_table('promotion_events')
    with op.batch_alter_table('payout_sets', schema=None) as batch_op:
        batch_op.drop_index('ix_payout_sets_team_recent')
        batch_op.drop_index(batch_op.f('ix_payout_sets_created_at'))

    op.drop_table('payout_sets')
    with op.batch_alter_table('contributions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contributions_user_id'))
        batch_op.drop_index('ix_contributions_team_recent')
        batch_op.drop_index(batch_op.f('ix_contributions_job_id'))
        batch_op.drop_index(batch_op.f('ix_contributions_created_at'))

    op.drop_table('contributions')
    with op.batch_alter_table('promotion_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_promotion_jobs_team_id'))
        batch_op.drop_index(batch_op.f('ix_promotion_jobs_status'))
        batch_op.drop_index('ix_promotion_jobs_seller_recent')
        batch_op.drop_index(batch_op.f('ix_promotion_jobs_seller_id'))
        batch_op.drop_index(batch_op.f('ix_promotion_jobs_page_id'))
        batch_op.drop_index(batch_op.f('ix_promotion_jobs_created_at'))
        batch_op.drop_index('ix_promotion_jobs_coordinator_recent')

    op.drop_table('promotion_jobs')
    with op.batch_alter_table('contest_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contest_entries_user_id'))
        batch_op.drop_index(batch_op.f('ix_contest_entries_contest_id'))

    op.drop_table('contest_entries')
    with op.batch_alter_table('team_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_members_user_id'))
        batch_op.drop_index(batch_op.f('ix_team_members_team_id'))

    op.drop_table('team_members')
    with op.batch_alter_table('pages', schema=None) as batch_op:
        batch_op.drop_index('ix_pages_seller_recent')
        batch_op.drop_index(batch_op.f('ix_pages_seller_id'))
        batch_op.drop_index(batch_op.f('ix_pages_created_at'))

    op.drop_table('pages')
    with op.batch_alter_table('contests', schema=None) as batch_op:
        batch_op.drop_index('ix_contests_team_recent')
        batch_op.drop_index(batch_op.f('ix_contests_created_at'))

    op.drop_table('contests')
    with op.batch_alter_table('client_payments', schema=None) as batch_op:
        batch_op.drop_index('ix_client_payments_seller_recent')
        batch_op.drop_index(batch_op.f('ix_client_payments_seller_id'))
        batch_op.drop_index(batch_op.f('ix_client_payments_created_at'))

    op.drop_table('client_payments')
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_teams_created_at'))
        batch_op.drop_index('ix_teams_coordinator_recent')

    op.drop_table('teams')
