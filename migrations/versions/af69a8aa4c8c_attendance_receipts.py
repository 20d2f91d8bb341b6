"""Attendance receipts: the group's setting, and when each participant was let into the room

Participants who joined before admitted_at existed: those still present at the end, or who joined
a session without a waiting room, count as let in when they joined; the others (who left or were
removed where there was a waiting room) cannot be told apart, and count as never let in.

Revision ID: af69a8aa4c8c
Revises: 5d1e7c3a9b20
Create Date: 2026-11-30 04:31:58.645570

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'af69a8aa4c8c'
down_revision = '5d1e7c3a9b20'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ALTER TABLE, not batch mode: on SQLite a batch would copy and drop "group", and with
    # foreign keys on, dropping it deletes every session (ON DELETE CASCADE).
    op.add_column('group', sa.Column('attendance_receipts', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column('participant', sa.Column('admitted_at', sa.DateTime(), nullable=True))
    op.execute(
        sa.text(
            "UPDATE participant SET admitted_at = joined_at WHERE status <> 'waiting' AND (status = 'present' "
            "OR live_session_id IN (SELECT id FROM live_session WHERE waiting_room = :no))"
        ).bindparams(no=False)
    )


def downgrade():
    # ALTER TABLE DROP COLUMN (SQLite 3.35 and later), for the same reason.
    op.drop_column('participant', 'admitted_at')
    op.drop_column('group', 'attendance_receipts')
