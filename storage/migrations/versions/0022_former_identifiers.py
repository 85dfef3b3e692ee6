"""The names and contacts a person had before (issue 15): ``person.former``.

A name changes when the person corrects it (``/correct``) or renames themselves on Telegram; a contact when they
correct it. Messages sent before still hold the old one, so an erasure (``/forget``, retention) must look for it
too: ``former`` keeps them (a JSON list of ``["name" | "contact", value]``) until the person is erased, when it goes
with the rest of their identity.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | Sequence[str] | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("person", sa.Column("former", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column("person", "former")
