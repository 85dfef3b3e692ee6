"""A name the person corrected (``/correct``, issue 15): ``person.name_corrected_at``.

Telegram gives the name on every update and ``PersonRepository.ensure_telegram`` renames the person from it; once
the person corrected their name themselves, it is kept (the Telegram name no longer replaces it).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | Sequence[str] | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("person", sa.Column("name_corrected_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("person", "name_corrected_at")
