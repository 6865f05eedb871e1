"""summary purpose: a version is the input document for the meeting, or an interim update

An interim update may be made while the consultation is open and is marked as such in every format; the
input document only once it has closed. A generation job carries the purpose to the version it makes.

Revision ID: 0013
Revises: 0009
Create Date: 2026-12-06 05:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0011'
branch_labels = None
depends_on = None


def _purpose():
    return sa.Enum('input', 'interim', name='summary_purpose', native_enum=False, create_constraint=True, length=16)


def upgrade():
    with op.batch_alter_table('summaries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purpose', _purpose(), server_default='input', nullable=False))
    with op.batch_alter_table('summary_jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purpose', _purpose(), nullable=True))


def downgrade():
    # The enum's CHECK constraint goes first: SQLite's batch mode would copy it onto a table without the column.
    with op.batch_alter_table('summary_jobs', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_summary_jobs_summary_purpose'), type_='check')
        batch_op.drop_column('purpose')
    with op.batch_alter_table('summaries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_summaries_summary_purpose'), type_='check')
        batch_op.drop_column('purpose')
