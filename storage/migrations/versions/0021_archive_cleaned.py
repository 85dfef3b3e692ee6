"""Whether an archived image was cleaned of its metadata (issue 15): ``archive_item.cleaned``.

True: an image whose metadata was stripped; False: an image (by its type or its first bytes) that could not be
read to strip it — an iPhone's HEIC, a damaged file — and is kept as it came; None: not an image, or archived before
this column. A confidential or anonymous ticket's file is not sent to staff when it is False
(``handlers.staff.tickets.protected_file``).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | Sequence[str] | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("archive_item", sa.Column("cleaned", sa.Boolean(), nullable=True))


def downgrade() -> None:
    op.drop_column("archive_item", "cleaned")
