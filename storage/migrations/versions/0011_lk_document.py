"""The issued versions of LK forms (``lk_document``): lk, version (1, 2, … as its content changes), language,
verification code (unique), content hash, when, and the archived PDF's SHA-256 once the LK is closed.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.columns import UtcDateTime

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "lk_document",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("lk_id", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("content_sha256", sa.String(64), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("archived_sha256", sa.String(64), nullable=True),
        sa.ForeignKeyConstraint(["lk_id"], ["lk.id"], name=op.f("fk_lk_document_lk_id_lk")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lk_document")),
    )
    op.create_index("ix_lk_document_lk_id_version_language", "lk_document", ["lk_id", "version", "language"],
                    unique=True)
    op.create_index("ix_lk_document_code", "lk_document", ["code"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_lk_document_code", table_name="lk_document")
    op.drop_index("ix_lk_document_lk_id_version_language", table_name="lk_document")
    op.drop_table("lk_document")
