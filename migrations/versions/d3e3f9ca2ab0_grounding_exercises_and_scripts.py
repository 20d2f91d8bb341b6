"""Grounding exercises: each run in a session (its plan and server start time), and groups' scripts

Revision ID: d3e3f9ca2ab0
Revises: af69a8aa4c8c
Create Date: 2026-11-30 04:32:31.182922

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd3e3f9ca2ab0'
down_revision = 'af69a8aa4c8c'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('grounding_script',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=60), nullable=False),
    sa.Column('lines', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['group.id'], name=op.f('fk_grounding_script_group_id_group'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grounding_script'))
    )
    with op.batch_alter_table('grounding_script', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grounding_script_group_id'), ['group_id'], unique=False)

    op.create_table('grounding_exercise',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('live_session_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('title', sa.String(length=60), nullable=False),
    sa.Column('steps', sa.JSON(), nullable=False),
    sa.Column('rounds', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('stopped_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['live_session_id'], ['live_session.id'], name=op.f('fk_grounding_exercise_live_session_id_live_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grounding_exercise'))
    )
    with op.batch_alter_table('grounding_exercise', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grounding_exercise_live_session_id'), ['live_session_id'], unique=False)


def downgrade():
    with op.batch_alter_table('grounding_exercise', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grounding_exercise_live_session_id'))

    op.drop_table('grounding_exercise')
    with op.batch_alter_table('grounding_script', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grounding_script_group_id'))

    op.drop_table('grounding_script')
