"""screening classifier: the classifier layer's score and version on each screened answer

Screening now runs a classifier over each answer's sentence vector beside the lexicons. Its highest
score (per mille) orders the moderation queue within a priority; the classifier's version records which
model screened the answer (NULL: screened before it, or by the lexicons alone).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 06:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('screening_score', sa.SmallInteger(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('screening_model', sa.String(length=40), nullable=True))


def downgrade():
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_column('screening_model')
        batch_op.drop_column('screening_score')
