"""Outbox: a delivery class per row (0 reply, 1 notice, 2 bulk; ``domain.delivery.Priority``), so the notifier
sends replies before notices and notices before bulk (reminders, digests, fan-outs), and an index that gives each
chat's pending rows in (class, id) order for the notifier's choice of each chat's next message. Rows already
queued become notices.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-10
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("priority", sa.SmallInteger(), server_default="1", nullable=False))
        batch.create_check_constraint(op.f("ck_outbox_priority"), "priority IN (0, 1, 2)")
    op.create_index("ix_outbox_status_chat_id_priority_id", "outbox", ["status", "chat_id", "priority", "id"])


def downgrade() -> None:
    op.drop_index("ix_outbox_status_chat_id_priority_id", table_name="outbox")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_constraint(op.f("ck_outbox_priority"), type_="check")
        batch.drop_column("priority")
