"""public listing index and public version: the public pages read fast and are cached until a change

A partial index holds the answers a public page may show (approved, not taken down, with a published
text) in the order a consultation's page lists them. One row counts every change a public page can show,
so each web process knows when the pages it keeps are stale (consult/public_version.py).

Revision ID: 0009
Revises: 0007 (re-chained onto 0008 when the summary jobs land)
Create Date: 2026-12-07 04:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

PUBLIC = "status = 'approved' AND hidden_at IS NULL AND published_text IS NOT NULL"


def upgrade():
    op.create_index('ix_submissions_public', 'submissions', ['question_id', 'created_at', 'id'], unique=False,
                    sqlite_where=sa.text(PUBLIC), postgresql_where=sa.text(PUBLIC))
    version = op.create_table(
        'public_version',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('version', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_public_version')),
    )
    op.bulk_insert(version, [{'id': 1, 'version': 0}])


def downgrade():
    op.drop_table('public_version')
    op.drop_index('ix_submissions_public', table_name='submissions',
                  sqlite_where=sa.text(PUBLIC), postgresql_where=sa.text(PUBLIC))
