"""The due-work engine's watermarks: a steady pass reads only the late tickets whose notices are not settled.

Every active ticket past its deadline (tens of thousands at a million tickets, nearly all told long ago) was a
candidate of each pass: its complainant's "late" notice and its confirm escalation were looked for in
``due_notice`` by key, row by row. Now each ticket keeps the deadline (step and day) its complainant's notice was
settled for (``late_told_step``, ``late_told_on``: issued, or nobody to tell) and the deadline its escalation was
settled for (``escalated_on``: issued, or none to make), and two partial indexes hold only the tickets whose current
deadline differs from its watermark. The keys in ``due_notice`` stay the source of truth: the engine sets the
watermarks from them after each pass's issuing (``DueRepository.settle``, one statement over the unsettled late
tickets), so existing tickets get theirs on the first pass after this revision. An officer's late tickets, newest
first, come from an index on (assigned_to, due_on, id); the active tickets still without a deadline (the engine's
backfill, every pass) from a partial index of those alone.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
LATE_UNTOLD = ("due_on IS NOT NULL AND (late_told_on IS NULL OR late_told_on <> due_on OR late_told_step <> "
               "due_step)")
ESCALATION_PENDING = "due_on IS NOT NULL AND (escalated_on IS NULL OR escalated_on <> due_on)"
WITHOUT_DEADLINE = ("due_step IS NULL AND status IN ('accepted', 'confirming', 'in_followup', 'received', 'reopened', "
                    "'under_review')")


def upgrade() -> None:
    # plain ADD COLUMN (nullable): no copy of the table, on SQLite either
    op.add_column("ticket", sa.Column("late_told_step", sa.String(16), nullable=True))
    op.add_column("ticket", sa.Column("late_told_on", sa.Date(), nullable=True))
    op.add_column("ticket", sa.Column("escalated_on", sa.Date(), nullable=True))
    op.create_index("ix_ticket_assigned_to_due_on_id", "ticket", ["assigned_to", "due_on", "id"])
    for name, where in (("ix_ticket_late_untold", LATE_UNTOLD), ("ix_ticket_escalation_pending", ESCALATION_PENDING)):
        op.create_index(name, "ticket", ["due_on", "id"], sqlite_where=sa.text(where), postgresql_where=sa.text(where))
    op.create_index("ix_ticket_without_deadline", "ticket", ["id"], sqlite_where=sa.text(WITHOUT_DEADLINE),
                    postgresql_where=sa.text(WITHOUT_DEADLINE))


def downgrade() -> None:
    op.drop_index("ix_ticket_without_deadline", table_name="ticket")
    op.drop_index("ix_ticket_escalation_pending", table_name="ticket")
    op.drop_index("ix_ticket_late_untold", table_name="ticket")
    op.drop_index("ix_ticket_assigned_to_due_on_id", table_name="ticket")
    with op.batch_alter_table("ticket") as batch:
        batch.drop_column("escalated_on")
        batch.drop_column("late_told_on")
        batch.drop_column("late_told_step")
