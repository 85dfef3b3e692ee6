"""A case as a conversation, with a history of what happened.

- ``ticket_event`` and ``lk_event`` get ``code`` and ``params``: what happened, rendered in the reader's language
  (older rows become ``filed``/``created`` or ``status`` and keep their ``note``).
- ``ticket``: the letter's agenda number, since when the staff wait for the complainant, since when a message of
  the complainant is unread.
- ``ticket_attachment``: caption, MIME type, who added it (intake, complainant, staff) and when.
- ``lk_action``: an owner outside the bot (name, contact), who added the action, the evidence file's name.
- ``person.started_at``: when the person first wrote to the bot (staff added by id have not).
- ``outbox``: a scheduled message with a ``key`` that a later change may cancel (status ``cancelled``), and an
  index to find a chat's failed messages (sent again when an unreachable person comes back).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.columns import UtcDateTime

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in ("ticket_event", "lk_event"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("code", sa.String(32), nullable=False, server_default="status"))
            batch.add_column(sa.Column("params", sa.JSON(), nullable=True))
    op.execute("UPDATE ticket_event SET code = 'filed' WHERE from_status IS NULL")
    op.execute("UPDATE lk_event SET code = 'created' WHERE from_status IS NULL")
    with op.batch_alter_table("ticket") as batch:
        batch.add_column(sa.Column("agenda_number", sa.String(64), nullable=True))
        batch.add_column(sa.Column("awaiting_complainant_since", UtcDateTime(), nullable=True))
        batch.add_column(sa.Column("unread_since", UtcDateTime(), nullable=True))
        batch.create_index("ix_ticket_awaiting_complainant_since", ["awaiting_complainant_since"])
        batch.create_index("ix_ticket_unread_since", ["unread_since"])
    with op.batch_alter_table("ticket_attachment") as batch:
        batch.add_column(sa.Column("caption", sa.Text(), nullable=True))
        batch.add_column(sa.Column("mime_type", sa.String(128), nullable=True))
        batch.add_column(sa.Column("source", sa.String(16), nullable=False, server_default="intake"))
        batch.add_column(sa.Column("added_at", UtcDateTime(), nullable=True))
    with op.batch_alter_table("lk_action") as batch:
        batch.alter_column("owner_person_id", existing_type=sa.BigInteger(), nullable=True)
        batch.add_column(sa.Column("owner_name", sa.String(256), nullable=True))
        batch.add_column(sa.Column("owner_contact", sa.String(256), nullable=True))
        batch.add_column(sa.Column("added_by", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("evidence_file_name", sa.String(256), nullable=True))
        batch.create_foreign_key(op.f("fk_lk_action_added_by_person"), "person", ["added_by"], ["id"])
    with op.batch_alter_table("person") as batch:
        batch.add_column(sa.Column("started_at", UtcDateTime(), nullable=True))
    # Everyone who ever wrote to the bot has a name from Telegram; /staff add for an unknown id wrote "#<id>".
    op.execute("UPDATE person SET started_at = created_at WHERE telegram_id IS NOT NULL AND name NOT LIKE '#%'")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_constraint(op.f("ck_outbox_status"), type_="check")
        batch.create_check_constraint(op.f("ck_outbox_status"), "status IN ('pending', 'sent', 'failed', 'cancelled')")
        batch.add_column(sa.Column("key", sa.String(64), nullable=True))
    op.create_index("ix_outbox_chat_id_status", "outbox", ["chat_id", "status"])
    op.create_index("ix_outbox_key", "outbox", ["key"])


def downgrade() -> None:
    op.drop_index("ix_outbox_key", table_name="outbox")
    op.drop_index("ix_outbox_chat_id_status", table_name="outbox")
    op.execute("UPDATE outbox SET status = 'failed' WHERE status = 'cancelled'")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("key")
        batch.drop_constraint(op.f("ck_outbox_status"), type_="check")
        batch.create_check_constraint(op.f("ck_outbox_status"), "status IN ('pending', 'sent', 'failed')")
    with op.batch_alter_table("person") as batch:
        batch.drop_column("started_at")
    op.execute("DELETE FROM lk_action WHERE owner_person_id IS NULL")
    with op.batch_alter_table("lk_action") as batch:
        batch.drop_constraint(op.f("fk_lk_action_added_by_person"), type_="foreignkey")
        batch.drop_column("evidence_file_name")
        batch.drop_column("added_by")
        batch.drop_column("owner_contact")
        batch.drop_column("owner_name")
        batch.alter_column("owner_person_id", existing_type=sa.BigInteger(), nullable=False)
    with op.batch_alter_table("ticket_attachment") as batch:
        for column in ("added_at", "source", "mime_type", "caption"):
            batch.drop_column(column)
    with op.batch_alter_table("ticket") as batch:
        batch.drop_index("ix_ticket_unread_since")
        batch.drop_index("ix_ticket_awaiting_complainant_since")
        for column in ("unread_since", "awaiting_complainant_since", "agenda_number"):
            batch.drop_column(column)
    for table in ("lk_event", "ticket_event"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("params")
            batch.drop_column("code")
