"""screening in jobs: answers are screened by the job worker moments after they arrive

``screened_at`` is NULL while an answer waits for the worker (a partial index finds the few that
do); ``language_declared`` tells the worker whether the author chose the language or left it to
detection. Answers already in the database were screened when they arrived.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 03:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('submissions', sa.Column('language_declared', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column('submissions', sa.Column('screened_at', sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE submissions SET screened_at = created_at")
    op.create_index('ix_submissions_unscreened', 'submissions', ['id'], unique=False,
                    sqlite_where=sa.text('screened_at IS NULL'), postgresql_where=sa.text('screened_at IS NULL'))


def downgrade():
    op.drop_index('ix_submissions_unscreened', table_name='submissions',
                  sqlite_where=sa.text('screened_at IS NULL'), postgresql_where=sa.text('screened_at IS NULL'))
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_column('screened_at')
        batch_op.drop_column('language_declared')
