"""An outbox row's operation as a column of its own, indexed: ``outbox.op`` (``send``, ``send_file``, ``edit_card``…).

An erasure (``/forget``, retention) deletes the delivered messages that carried the complainant's files and reads
the sent LK forms: it looked for them by the payload's text (``op`` inside the JSON), which read every message kept
— 70,000 in the retention benchmark, ~65 ms a scan on SQLite, two scans per ticket erased, while every reply of the
bot waited for the one connection (docs/benchmarks.md §15). The few file messages are now found by this index. The
column is written with the row (``OutboxRepository.queue``) and filled here for the rows already kept.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | Sequence[str] | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("outbox", sa.Column("op", sa.String(length=32), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("UPDATE outbox SET op = payload::json ->> 'op'")
    else:
        op.execute("UPDATE outbox SET op = json_extract(payload, '$.op')")
    op.create_index("ix_outbox_op_created_at", "outbox", ["op", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_outbox_op_created_at", table_name="outbox")
    op.drop_column("outbox", "op")
