"""disclosures kept: a possible disclosure its author withdrew or changed stays with the safeguarding team

``submissions.withdrawn_at`` marks an answer its author took back (or whose account was deleted)
while it was flagged or escalated: hidden from everyone but the team until the case is closed.
``earlier_wordings`` keeps what such an answer said before its author changed it (and, until the job
worker has screened it, what any answer said before a change made before screening read it).

Revision ID: 0011
Revises: 0009 (the lead relinks the chain when merging)
Create Date: 2026-12-06 05:40:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0011"
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("submissions", sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "earlier_wordings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("awaiting_screening", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_earlier_wordings_submission_id_submissions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_earlier_wordings")),
    )
    op.create_index(op.f("ix_earlier_wordings_submission_id"), "earlier_wordings", ["submission_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_earlier_wordings_submission_id"), table_name="earlier_wordings")
    op.drop_table("earlier_wordings")
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_column("withdrawn_at")
