"""The speaking queue: turns, go-rounds, each session's queue state, and "show the order"

Revision ID: 5d1e7c3a9b20
Revises: ab6f0c127f3e
Create Date: 2026-11-30 04:31:28.633091

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d1e7c3a9b20'
down_revision = 'ab6f0c127f3e'
branch_labels = None
depends_on = None

ACTIVE = sa.text("status IN ('waiting', 'speaking')")


def upgrade():
    op.create_table('share_round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('live_session_id', sa.Integer(), nullable=False),
    sa.Column('step_index', sa.Integer(), nullable=False),
    sa.Column('order', sa.String(length=10), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['live_session_id'], ['live_session.id'], name=op.f('fk_share_round_live_session_id_live_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_share_round'))
    )
    with op.batch_alter_table('share_round', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_share_round_live_session_id'), ['live_session_id'], unique=False)

    op.create_table('share_state',
    sa.Column('live_session_id', sa.Integer(), nullable=False),
    sa.Column('current_turn_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('screen_timer', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.ForeignKeyConstraint(['live_session_id'], ['live_session.id'], name=op.f('fk_share_state_live_session_id_live_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('live_session_id', name=op.f('pk_share_state'))
    )
    op.create_table('share_turn',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('live_session_id', sa.Integer(), nullable=False),
    sa.Column('step_index', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=True),
    sa.Column('round_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('queued_at', sa.DateTime(), nullable=False),
    sa.Column('called_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('timer_minutes', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.ForeignKeyConstraint(['live_session_id'], ['live_session.id'], name=op.f('fk_share_turn_live_session_id_live_session'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_share_turn_participant_id_participant'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['round_id'], ['share_round.id'], name=op.f('fk_share_turn_round_id_share_round'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_share_turn'))
    )
    with op.batch_alter_table('share_turn', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_share_turn_live_session_id'), ['live_session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_share_turn_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index('uq_share_turn_active', ['live_session_id', 'step_index', 'participant_id'], unique=True, sqlite_where=ACTIVE, postgresql_where=ACTIVE)

    with op.batch_alter_table('group', schema=None) as batch_op:
        batch_op.add_column(sa.Column('show_share_order', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('group', schema=None) as batch_op:
        batch_op.drop_column('show_share_order')

    with op.batch_alter_table('share_turn', schema=None) as batch_op:
        batch_op.drop_index('uq_share_turn_active', sqlite_where=ACTIVE, postgresql_where=ACTIVE)
        batch_op.drop_index(batch_op.f('ix_share_turn_participant_id'))
        batch_op.drop_index(batch_op.f('ix_share_turn_live_session_id'))

    op.drop_table('share_turn')
    op.drop_table('share_state')
    with op.batch_alter_table('share_round', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_share_round_live_session_id'))

    op.drop_table('share_round')
