"""Indexes for staff search with filters (/search status: service: channel: officer: since: until:): tickets by
service, by channel, by officer and by filing time, each in filing order, so a page of the newest matches is an
ordered index range stopped after ten rows, and its count a range of the index alone. The officer's index
replaces ``ix_ticket_assigned_to``, which it contains.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_ticket_service_code_created_at", "ticket", ["service_code", "created_at"])
    op.create_index("ix_ticket_channel_created_at", "ticket", ["channel", "created_at"])
    op.create_index("ix_ticket_assigned_to_created_at", "ticket", ["assigned_to", "created_at"])
    op.drop_index("ix_ticket_assigned_to", table_name="ticket")
    op.create_index("ix_ticket_created_at", "ticket", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_ticket_created_at", table_name="ticket")
    op.create_index("ix_ticket_assigned_to", "ticket", ["assigned_to"])
    op.drop_index("ix_ticket_assigned_to_created_at", table_name="ticket")
    op.drop_index("ix_ticket_channel_created_at", table_name="ticket")
    op.drop_index("ix_ticket_service_code_created_at", table_name="ticket")
