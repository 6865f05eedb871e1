"""audit notes can be erased

The moderation audit trail stays append-only, with one exception made for retention: a
moderator's free-text note (on a rejection or an escalation, where it may describe a child's
situation) may be set to NULL, and nothing else about the event may change. ``flask purge``
uses it after the retention period; who did what, when and why stays for good.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 15:40:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


APPEND_ONLY_MESSAGE = "moderation_events is append-only"
# Every column but the note: an UPDATE may change none of them.
KEPT = ("id", "consultation_id", "submission_id", "actor_id", "actor_name", "action", "reason",
        "before_hash", "after_hash", "created_at")


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER moderation_events_append_only ON moderation_events")
        op.execute("""
            CREATE TRIGGER moderation_events_append_only BEFORE DELETE OR TRUNCATE
            ON moderation_events FOR EACH STATEMENT EXECUTE FUNCTION moderation_events_append_only()
        """)
        new = ", ".join(f"NEW.{column}" for column in KEPT)
        old = ", ".join(f"OLD.{column}" for column in KEPT)
        op.execute(f"""
            CREATE FUNCTION moderation_events_erase_note_only() RETURNS trigger AS $$
            BEGIN
                IF NEW.note IS NULL AND ({new}) IS NOT DISTINCT FROM ({old}) THEN
                    RETURN NEW;
                END IF;
                RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}';
            END;
            $$ LANGUAGE plpgsql
        """)
        op.execute("""
            CREATE TRIGGER moderation_events_erase_note_only BEFORE UPDATE
            ON moderation_events FOR EACH ROW EXECUTE FUNCTION moderation_events_erase_note_only()
        """)
    else:
        unchanged = " AND ".join(f"NEW.{column} IS OLD.{column}" for column in KEPT)
        op.execute("DROP TRIGGER moderation_events_no_update")
        op.execute(f"""
            CREATE TRIGGER moderation_events_no_update BEFORE UPDATE ON moderation_events
            WHEN NOT (NEW.note IS NULL AND {unchanged})
            BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END
        """)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER moderation_events_erase_note_only ON moderation_events")
        op.execute("DROP FUNCTION moderation_events_erase_note_only()")
        op.execute("DROP TRIGGER moderation_events_append_only ON moderation_events")
        op.execute("""
            CREATE TRIGGER moderation_events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE
            ON moderation_events FOR EACH STATEMENT EXECUTE FUNCTION moderation_events_append_only()
        """)
    else:
        op.execute("DROP TRIGGER moderation_events_no_update")
        op.execute(f"""
            CREATE TRIGGER moderation_events_no_update BEFORE UPDATE ON moderation_events
            BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END
        """)
