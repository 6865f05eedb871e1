"""the per-question answer limit checked in the answer's INSERT itself on PostgreSQL

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 22:45:00

On PostgreSQL an answer's POST took the participant's advisory lock in one statement, then counted and
inserted in a second: a statement counts in the snapshot it started with, which a concurrent post's
commit is not in. This function takes the lock and counts in a fresh snapshot (a VOLATILE function's
statements each take one, after the lock is held), so the INSERT can call it in its WHERE clause: one
round trip fewer on the busiest POST of the day. SQLite needs none: its INSERT takes the write lock first.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE OR REPLACE FUNCTION consult_room_for_answer(author integer, question integer, most integer)
            RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
            BEGIN
                -- Held until the transaction ends: this participant's posts to this question go one by one.
                PERFORM pg_advisory_xact_lock(author, question);
                RETURN (SELECT count(*) FROM submissions
                        WHERE submissions.author_id = author AND submissions.question_id = question) < most;
            END
            $$
        """)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS consult_room_for_answer(integer, integer, integer)")
