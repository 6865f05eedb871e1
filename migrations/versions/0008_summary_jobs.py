"""summary jobs: generating a summary and rendering its documents are jobs, their progress is kept here

A row per piece of work the secretariat (or a reader's download) asked for: its state, how far it has
got (done of total), its error, and its last sign of life, which the periodic sweep reads to ask again
for work whose job was lost.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 03:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('summary_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('generate', 'render', name='summary_job_kind', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('summary_id', sa.Integer(), nullable=True),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_by_name', sa.String(length=40), nullable=True),
    sa.Column('themes', sa.Integer(), nullable=True),
    sa.Column('format', sa.String(length=8), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=True),
    sa.Column('state', sa.Enum('queued', 'vectors', 'themes', 'rendering', 'done', 'failed', name='summary_job_state', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('error', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_summary_jobs_consultation_id_consultations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_summary_jobs_requested_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['summary_id'], ['summaries.id'], name=op.f('fk_summary_jobs_summary_id_summaries'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_summary_jobs'))
    )
    with op.batch_alter_table('summary_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_summary_jobs_consultation_id'), ['consultation_id'], unique=False)


def downgrade():
    with op.batch_alter_table('summary_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_summary_jobs_consultation_id'))

    op.drop_table('summary_jobs')
