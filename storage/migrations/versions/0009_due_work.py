"""The due-work engine (SOP step f): each ticket's current deadline, the notices issued once by key, and the action
owners' requests for more time.

- ``ticket``: ``due_step`` (confirm | respond), ``due_on`` (its deadline), ``due_extended``; an index to find what is
  late, and one on ``(status, resolved_at)`` for the rating reminder and the auto-close.
- ``lk_action.extended``: its due date was extended once.
- ``due_notice``: a notice issued, by its unique key.
- ``extension_request``: an owner's request for a later due date, granted or refused by an approver.
- ``due_pass``: the engine's last pass (the moment it was for, what it issued), shown by ``/due``.

Existing active tickets get their deadline from the due-work engine's first pass (it needs the working-day calendar).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.columns import UtcDateTime

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("ticket") as batch:
        batch.add_column(sa.Column("due_step", sa.String(16), nullable=True))
        batch.add_column(sa.Column("due_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("due_extended", sa.Boolean(), nullable=False, server_default="0"))
        batch.create_index("ix_ticket_due_on", ["due_on"])
        batch.create_index("ix_ticket_status_resolved_at", ["status", "resolved_at"])
    with op.batch_alter_table("lk_action") as batch:
        batch.add_column(sa.Column("extended", sa.Boolean(), nullable=False, server_default="0"))
    op.create_table(
        "due_notice",
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=True),
        sa.Column("issued_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_due_notice")),
    )
    op.create_table(
        "extension_request",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("action_id", sa.BigInteger(), nullable=False),
        sa.Column("requested_by", sa.BigInteger(), nullable=False),
        sa.Column("old_due", sa.Date(), nullable=False),
        sa.Column("new_due", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("requested_at", UtcDateTime(), nullable=False),
        sa.Column("decided_by", sa.BigInteger(), nullable=True),
        sa.Column("decided_at", UtcDateTime(), nullable=True),
        sa.CheckConstraint("status IN ('pending', 'granted', 'refused')", name=op.f("ck_extension_request_status")),
        sa.ForeignKeyConstraint(["action_id"], ["lk_action.id"], name=op.f("fk_extension_request_action_id_lk_action")),
        sa.ForeignKeyConstraint(["requested_by"], ["person.id"],
                                name=op.f("fk_extension_request_requested_by_person")),
        sa.ForeignKeyConstraint(["decided_by"], ["person.id"], name=op.f("fk_extension_request_decided_by_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_extension_request")),
    )
    op.create_index("ix_extension_request_action_id", "extension_request", ["action_id"])
    op.create_table(
        "due_pass",
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("issued", sa.Integer(), nullable=False),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_due_pass")),
    )


def downgrade() -> None:
    op.drop_table("due_pass")
    op.drop_index("ix_extension_request_action_id", table_name="extension_request")
    op.drop_table("extension_request")
    op.drop_table("due_notice")
    with op.batch_alter_table("lk_action") as batch:
        batch.drop_column("extended")
    with op.batch_alter_table("ticket") as batch:
        batch.drop_index("ix_ticket_status_resolved_at")
        batch.drop_index("ix_ticket_due_on")
        for column in ("due_extended", "due_on", "due_step"):
            batch.drop_column(column)
