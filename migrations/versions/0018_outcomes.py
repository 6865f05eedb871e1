"""outcomes: what the meeting did with each theme, in six languages; participants' publication notices

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 08:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('publication_notices_since', sa.DateTime(timezone=True), nullable=True))

    op.create_table('consultation_outcomes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('summary_id', sa.Integer(), nullable=True),
    sa.Column('source_language', sa.String(length=8), nullable=False),
    sa.Column('document_number', sa.String(length=60), nullable=False),
    sa.Column('document_title', sa.String(length=300), nullable=False),
    sa.Column('document_url', sa.String(length=500), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_name', sa.String(length=40), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_consultation_outcomes_consultation_id_consultations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['summary_id'], ['summaries.id'], name=op.f('fk_consultation_outcomes_summary_id_summaries'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_outcomes')),
    sa.UniqueConstraint('consultation_id', name=op.f('uq_consultation_outcomes_consultation_id'))
    )
    op.create_table('outcome_themes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('outcome_id', sa.Integer(), nullable=False),
    sa.Column('theme_key', sa.String(length=40), nullable=False),
    sa.Column('decision', sa.Enum('taken_up', 'discussed', 'noted', 'not_discussed', name='outcome_decision', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['outcome_id'], ['consultation_outcomes.id'], name=op.f('fk_outcome_themes_outcome_id_consultation_outcomes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outcome_themes')),
    sa.UniqueConstraint('outcome_id', 'theme_key', name='uq_outcome_themes_theme_key')
    )
    with op.batch_alter_table('outcome_themes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outcome_themes_outcome_id'), ['outcome_id'], unique=False)

    op.create_table('outcome_translations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('outcome_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('document_title', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['outcome_id'], ['consultation_outcomes.id'], name=op.f('fk_outcome_translations_outcome_id_consultation_outcomes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outcome_translations')),
    sa.UniqueConstraint('outcome_id', 'language', name='uq_outcome_translations_language')
    )
    with op.batch_alter_table('outcome_translations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outcome_translations_outcome_id'), ['outcome_id'], unique=False)

    op.create_table('outcome_theme_translations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('outcome_theme_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['outcome_theme_id'], ['outcome_themes.id'], name=op.f('fk_outcome_theme_translations_outcome_theme_id_outcome_themes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outcome_theme_translations')),
    sa.UniqueConstraint('outcome_theme_id', 'language', name='uq_outcome_theme_translations_language')
    )
    with op.batch_alter_table('outcome_theme_translations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outcome_theme_translations_outcome_theme_id'), ['outcome_theme_id'], unique=False)


def downgrade():
    with op.batch_alter_table('outcome_theme_translations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outcome_theme_translations_outcome_theme_id'))
    op.drop_table('outcome_theme_translations')
    with op.batch_alter_table('outcome_translations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outcome_translations_outcome_id'))
    op.drop_table('outcome_translations')
    with op.batch_alter_table('outcome_themes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outcome_themes_outcome_id'))
    op.drop_table('outcome_themes')
    op.drop_table('consultation_outcomes')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('publication_notices_since')
