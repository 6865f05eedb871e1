"""meeting translations: the language a meeting's title is written in, and the title in other languages

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 08:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    # Meetings created before this revision were all titled in English.
    op.add_column('meetings', sa.Column('source_language', sa.String(length=8), server_default='en', nullable=False))
    op.create_table(
        'meeting_translations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_translations_meeting_id_meetings'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_translations')),
        sa.UniqueConstraint('meeting_id', 'language', name='uq_meeting_translations_language'),
    )
    with op.batch_alter_table('meeting_translations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_translations_meeting_id'), ['meeting_id'], unique=False)


def downgrade():
    with op.batch_alter_table('meeting_translations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_translations_meeting_id'))
    op.drop_table('meeting_translations')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_column('source_language')
