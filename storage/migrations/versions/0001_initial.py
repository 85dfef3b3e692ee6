"""Initial schema: persons, tickets with attachments and history, numbering, dialogs, updates, outbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _id() -> sa.Column[int]:
    """Autoincrementing primary key: BIGINT (BIGSERIAL) in PostgreSQL, INTEGER (rowid) in SQLite."""
    return sa.Column(
        "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
    )


def _utc(name: str, *, nullable: bool = False) -> sa.Column[object]:
    """Stored as UTC; the models read it through ``storage.columns.UtcDateTime``."""
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "person",
        _id(),
        sa.Column("telegram_id", sa.BigInteger(), nullable=True),
        sa.Column("name", sa.String(length=256), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("nrp", sa.String(length=32), nullable=True),
        sa.Column("contact", sa.String(length=256), nullable=True),
        _utc("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
        sa.UniqueConstraint("telegram_id", name=op.f("uq_person_telegram_id")),
    )
    op.create_table(
        "ticket",
        _id(),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=32), server_default="telegram", nullable=False),
        sa.Column("person_id", sa.BigInteger(), nullable=True),
        sa.Column("service_code", sa.String(length=64), nullable=False),
        sa.Column("service_other", sa.String(length=256), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=True),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        _utc("created_at"),
        _utc("updated_at"),
        sa.CheckConstraint("kind IN ('complaint', 'suggestion')", name=op.f("ck_ticket_kind")),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_ticket_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket")),
        sa.UniqueConstraint("number", name=op.f("uq_ticket_number")),
    )
    op.create_index(op.f("ix_ticket_person_id_created_at"), "ticket", ["person_id", "created_at"])
    op.create_index(op.f("ix_ticket_status"), "ticket", ["status"])
    op.create_table(
        "ticket_attachment",
        _id(),
        sa.Column("ticket_id", sa.BigInteger(), nullable=False),
        sa.Column("file_id", sa.String(length=256), nullable=False),
        sa.Column("file_type", sa.String(length=16), nullable=False),
        sa.Column("file_name", sa.String(length=256), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint("file_type IN ('photo', 'document')", name=op.f("ck_ticket_attachment_file_type")),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["ticket.id"], name=op.f("fk_ticket_attachment_ticket_id_ticket")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_attachment")),
    )
    op.create_index(
        op.f("ix_ticket_attachment_ticket_id_position"),
        "ticket_attachment",
        ["ticket_id", "position"],
        unique=True,
    )
    op.create_table(
        "ticket_event",
        _id(),
        sa.Column("ticket_id", sa.BigInteger(), nullable=False),
        _utc("at"),
        sa.Column("actor_person_id", sa.BigInteger(), nullable=True),
        sa.Column("from_status", sa.String(length=32), nullable=True),
        sa.Column("to_status", sa.String(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_person_id"], ["person.id"], name=op.f("fk_ticket_event_actor_person_id_person")
        ),
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"], name=op.f("fk_ticket_event_ticket_id_ticket")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_event")),
    )
    op.create_index(op.f("ix_ticket_event_ticket_id_at"), "ticket_event", ["ticket_id", "at"])
    op.create_table(
        "number_counter",
        sa.Column("series", sa.String(length=8), nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("series", "year", name=op.f("pk_number_counter")),
    )
    op.create_table(
        "dialog_state",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("dialog", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=64), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        _utc("updated_at"),
        sa.PrimaryKeyConstraint("chat_id", name=op.f("pk_dialog_state")),
    )
    op.create_table(
        "processed_update",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        _utc("processed_at"),
        sa.PrimaryKeyConstraint("update_id", name=op.f("pk_processed_update")),
    )
    op.create_table(
        "outbox",
        _id(),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _utc("not_before"),
        _utc("created_at"),
        _utc("sent_at", nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.CheckConstraint("status IN ('pending', 'sent', 'failed')", name=op.f("ck_outbox_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
    )
    op.create_index(op.f("ix_outbox_status_not_before_id"), "outbox", ["status", "not_before", "id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_outbox_status_not_before_id"), table_name="outbox")
    op.drop_table("outbox")
    op.drop_table("processed_update")
    op.drop_table("dialog_state")
    op.drop_table("number_counter")
    op.drop_index(op.f("ix_ticket_event_ticket_id_at"), table_name="ticket_event")
    op.drop_table("ticket_event")
    op.drop_index(op.f("ix_ticket_attachment_ticket_id_position"), table_name="ticket_attachment")
    op.drop_table("ticket_attachment")
    op.drop_index(op.f("ix_ticket_status"), table_name="ticket")
    op.drop_index(op.f("ix_ticket_person_id_created_at"), table_name="ticket")
    op.drop_table("ticket")
    op.drop_table("person")
