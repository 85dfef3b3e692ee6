"""Indexes for the due-work engine's facts, so each is an index range at a million tickets: late tickets by
(status, due_on), unread messages by (status, unread_since), tickets still without a deadline by (due_step,
status), and LKs waiting by (status, updated_at). Without them SQLite read every active ticket (or LK in a status)
and sorted them on each pass.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_ticket_status_due_on", "ticket", ["status", "due_on"])
    op.create_index("ix_ticket_status_unread_since", "ticket", ["status", "unread_since"])
    op.create_index("ix_ticket_due_step_status", "ticket", ["due_step", "status"])
    op.create_index("ix_lk_status_updated_at", "lk", ["status", "updated_at"])


def downgrade() -> None:
    op.drop_index("ix_lk_status_updated_at", table_name="lk")
    op.drop_index("ix_ticket_due_step_status", table_name="ticket")
    op.drop_index("ix_ticket_status_unread_since", table_name="ticket")
    op.drop_index("ix_ticket_status_due_on", table_name="ticket")
