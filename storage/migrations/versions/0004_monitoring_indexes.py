"""Indexes for monitoring and search: LKs by status in the order they were written (/monitor reads only the
first few), and tickets by ``updated_at`` (the search index refreshes from the tickets changed since).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_lk_status_created_at", "lk", ["status", "created_at"])
    op.create_index("ix_ticket_updated_at", "ticket", ["updated_at"])


def downgrade() -> None:
    op.drop_index("ix_ticket_updated_at", table_name="ticket")
    op.drop_index("ix_lk_status_created_at", table_name="lk")
