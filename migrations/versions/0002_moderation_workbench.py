"""moderation workbench

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 13:01:43.676486

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


APPEND_ONLY_MESSAGE = "moderation_events is append-only"


def upgrade():
    op.create_table('moderation_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sa.String(length=40), nullable=True),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(length=16), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('before_hash', sa.String(length=64), nullable=True),
    sa.Column('after_hash', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderation_events'))
    )
    with op.batch_alter_table('moderation_events', schema=None) as batch_op:
        batch_op.create_index('ix_moderation_events_consultation', ['consultation_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_moderation_events_submission_id'), ['submission_id'], unique=False)

    op.create_table('reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('reporter_id', sa.Integer(), nullable=True),
    sa.Column('reporter_key', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['reporter_id'], ['users.id'], name=op.f('fk_reports_reporter_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_reports_submission_id_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reports')),
    sa.UniqueConstraint('submission_id', 'reporter_key', name='uq_reports_reader')
    )
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reports_submission_id'), ['submission_id'], unique=False)

    op.create_table('safeguarding_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=24), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_safeguarding_notes_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_safeguarding_notes_submission_id_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_safeguarding_notes'))
    )
    with op.batch_alter_table('safeguarding_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_safeguarding_notes_submission_id'), ['submission_id'], unique=False)

    with op.batch_alter_table('submissions', schema=None) as batch_op:
        for flag in ('pii', 'abuse', 'safeguarding', 'reported'):
            batch_op.add_column(sa.Column(f'flag_{flag}', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('pii_spans', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('suggested_text', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('priority', sa.SmallInteger(), server_default='2', nullable=False))
        batch_op.add_column(sa.Column('claimed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('reject_reason', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('decision_note', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('report_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('hidden_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_submissions_queue', ['status', 'priority', 'id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_submissions_claimed_by_id_users'), 'users', ['claimed_by_id'], ['id'], ondelete='SET NULL')
        batch_op.drop_constraint(op.f('ck_submissions_submission_status'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_submissions_submission_status'), "status IN ('pending', 'approved', 'rejected', 'escalated')"
        )

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('can_safeguard', sa.Boolean(), server_default=sa.false(), nullable=False))

    # The audit trail is append-only at the database, whatever code touches it.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""
            CREATE FUNCTION moderation_events_append_only() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}'; END;
            $$ LANGUAGE plpgsql
        """)
        op.execute("""
            CREATE TRIGGER moderation_events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE
            ON moderation_events FOR EACH STATEMENT EXECUTE FUNCTION moderation_events_append_only()
        """)
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"""
                CREATE TRIGGER moderation_events_no_{verb.lower()} BEFORE {verb} ON moderation_events
                BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END
            """)



def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER moderation_events_append_only ON moderation_events")
        op.execute("DROP FUNCTION moderation_events_append_only()")
    else:
        op.execute("DROP TRIGGER moderation_events_no_update")
        op.execute("DROP TRIGGER moderation_events_no_delete")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('can_safeguard')

    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_submissions_submission_status'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_submissions_submission_status'), "status IN ('pending', 'approved', 'rejected')"
        )
        batch_op.drop_constraint(batch_op.f('fk_submissions_claimed_by_id_users'), type_='foreignkey')
        batch_op.drop_index('ix_submissions_queue')
        batch_op.drop_column('hidden_at')
        batch_op.drop_column('report_count')
        batch_op.drop_column('decision_note')
        batch_op.drop_column('reject_reason')
        batch_op.drop_column('claimed_until')
        batch_op.drop_column('claimed_by_id')
        batch_op.drop_column('priority')
        batch_op.drop_column('suggested_text')
        batch_op.drop_column('pii_spans')
        for flag in ('pii', 'abuse', 'safeguarding', 'reported'):
            batch_op.drop_column(f'flag_{flag}')

    with op.batch_alter_table('safeguarding_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_safeguarding_notes_submission_id'))

    op.drop_table('safeguarding_notes')
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reports_submission_id'))

    op.drop_table('reports')
    with op.batch_alter_table('moderation_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_moderation_events_submission_id'))
        batch_op.drop_index('ix_moderation_events_consultation')

    op.drop_table('moderation_events')
