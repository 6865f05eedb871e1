"""workshops: the facilitator role, classroom workshops, and answers handed in for a workshop

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 08:40:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0019"
down_revision = '0018'
branch_labels = None
depends_on = None

ROLES_BEFORE = "'participant', 'moderator', 'secretariat', 'admin'"
ROLES_AFTER = "'participant', 'moderator', 'secretariat', 'admin', 'facilitator'"


def _roles(before: str, after: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        # Batch mode would copy and drop the users table, and with foreign keys on (they cannot be turned
        # off inside a transaction) dropping it deletes every session and un-authors every answer. Adding
        # a value to the CHECK's list is the loosening SQLite documents as safe to write into the schema.
        version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
        bind.exec_driver_sql("PRAGMA writable_schema=ON")
        changed = bind.exec_driver_sql(
            "UPDATE sqlite_master SET sql = replace(sql, ?, ?) WHERE type = 'table' AND name = 'users'",
            (f"role IN ({before})", f"role IN ({after})"),
        ).rowcount
        bind.exec_driver_sql(f"PRAGMA schema_version={int(version) + 1}")
        bind.exec_driver_sql("PRAGMA writable_schema=OFF")
        if changed != 1:
            raise RuntimeError("the users table's role check is not the one migration 0001 made")
    else:
        op.drop_constraint(op.f("ck_users_role"), "users", type_="check")
        op.create_check_constraint(op.f("ck_users_role"), "users", f"role IN ({after})")


def upgrade():
    _roles(ROLES_BEFORE, ROLES_AFTER)
    op.create_table(
        "workshops",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("facilitator_id", sa.Integer(), nullable=True),
        sa.Column("group_size", sa.Integer(), nullable=False),
        sa.Column("age_bands", sa.String(length=48), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("attested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("via", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("group_size > 0", name=op.f("ck_workshops_group_size_positive")),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_workshops_consultation_id_consultations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["facilitator_id"], ["users.id"], name=op.f("fk_workshops_facilitator_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workshops")),
    )
    with op.batch_alter_table("workshops", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_workshops_consultation_id"), ["consultation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_workshops_facilitator_id"), ["facilitator_id"], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        # In place, not batch mode's copy of the answers table (see _roles): SQLite adds a column with a
        # REFERENCES clause and a NULL default without rewriting anything.
        op.execute(
            "ALTER TABLE submissions ADD COLUMN workshop_id INTEGER "
            "CONSTRAINT fk_submissions_workshop_id_workshops REFERENCES workshops (id)"
        )
    else:
        op.add_column("submissions", sa.Column("workshop_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            op.f("fk_submissions_workshop_id_workshops"), "submissions", "workshops", ["workshop_id"], ["id"]
        )
    op.create_index(op.f("ix_submissions_workshop_id"), "submissions", ["workshop_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_submissions_workshop_id"), table_name="submissions")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(op.f("fk_submissions_workshop_id_workshops"), "submissions", type_="foreignkey")
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_column("workshop_id")
    with op.batch_alter_table("workshops", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_workshops_facilitator_id"))
        batch_op.drop_index(batch_op.f("ix_workshops_consultation_id"))
    op.drop_table("workshops")
    op.execute("DELETE FROM users WHERE role = 'facilitator'")
    _roles(ROLES_AFTER, ROLES_BEFORE)
