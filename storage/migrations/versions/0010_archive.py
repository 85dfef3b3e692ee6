"""The evidence archive (issue 13 §4): ``archive_item``, one row per file kept outside Telegram.

Every ticket attachment and action evidence file gets a row (``pending``) in the transaction that records it; the
fetcher downloads it, strips an image's metadata and stores it by its SHA-256 (``stored``), or records the
failure and when to try again (``failed``). Files recorded before this revision get a pending row here, so the
fetcher archives them too while Telegram still has them.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-10
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from storage.columns import UtcDateTime

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "archive_item",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("file_id", sa.String(256), nullable=True),
        sa.Column("file_unique_id", sa.String(128), nullable=True),
        sa.Column("file_type", sa.String(16), nullable=True),
        sa.Column("ticket_attachment_id", sa.BigInteger(), nullable=True),
        sa.Column("lk_action_id", sa.BigInteger(), nullable=True),
        sa.Column("sha256", sa.String(64), nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.Column("mime", sa.String(128), nullable=True),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("next_try_at", UtcDateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("stored_at", UtcDateTime(), nullable=True),
        sa.CheckConstraint("kind IN ('ticket_attachment', 'action_evidence', 'document')",
                           name=op.f("ck_archive_item_kind")),
        sa.CheckConstraint("status IN ('pending', 'stored', 'failed')", name=op.f("ck_archive_item_status")),
        sa.ForeignKeyConstraint(["ticket_attachment_id"], ["ticket_attachment.id"],
                                name=op.f("fk_archive_item_ticket_attachment_id_ticket_attachment")),
        sa.ForeignKeyConstraint(["lk_action_id"], ["lk_action.id"],
                                name=op.f("fk_archive_item_lk_action_id_lk_action")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_item")),
        sa.UniqueConstraint("ticket_attachment_id", name=op.f("uq_archive_item_ticket_attachment_id")),
        sa.UniqueConstraint("lk_action_id", name=op.f("uq_archive_item_lk_action_id")),
    )
    op.create_index("ix_archive_item_status_next_try_at", "archive_item", ["status", "next_try_at"])
    now = sa.bindparam("now", datetime.now(UTC), type_=UtcDateTime())
    op.execute(sa.text(
        "INSERT INTO archive_item (kind, file_id, file_type, ticket_attachment_id, mime, status, attempts, "
        "next_try_at, created_at) SELECT 'ticket_attachment', file_id, file_type, id, "
        "CASE WHEN file_type = 'photo' THEN 'image/jpeg' ELSE mime_type END, 'pending', 0, :now, :now "
        "FROM ticket_attachment").bindparams(now))
    op.execute(sa.text(
        "INSERT INTO archive_item (kind, file_id, file_type, lk_action_id, status, attempts, next_try_at, "
        "created_at) SELECT 'action_evidence', evidence_file_id, evidence_file_type, id, 'pending', 0, :now, :now "
        "FROM lk_action WHERE evidence_file_id IS NOT NULL").bindparams(now))


def downgrade() -> None:
    op.drop_index("ix_archive_item_status_next_try_at", table_name="archive_item")
    op.drop_table("archive_item")
