"""content translations: consultation titles and descriptions, and question prompts, per language

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 14:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('consultation_translations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_consultation_translations_consultation_id_consultations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_translations')),
    sa.UniqueConstraint('consultation_id', 'language', name='uq_consultation_translations_language')
    )
    with op.batch_alter_table('consultation_translations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_translations_consultation_id'), ['consultation_id'], unique=False)

    op.create_table('question_translations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('prompt', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_question_translations_question_id_questions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question_translations')),
    sa.UniqueConstraint('question_id', 'language', name='uq_question_translations_language')
    )
    with op.batch_alter_table('question_translations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_translations_question_id'), ['question_id'], unique=False)


def downgrade():
    with op.batch_alter_table('question_translations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_translations_question_id'))

    op.drop_table('question_translations')
    with op.batch_alter_table('consultation_translations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_translations_consultation_id'))

    op.drop_table('consultation_translations')
