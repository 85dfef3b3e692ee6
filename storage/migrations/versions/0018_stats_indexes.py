"""/stats' index on SQLite (issue 14 §3): tickets by their WIB day of receipt, service and kind.

SQLite has no hash aggregate: every GROUP BY sorts its rows in a temporary B-tree, which took most of the time of the
figures over a year of a million tickets. With this index on the expression the queries group by (the WIB day
``date(created_at, '+7 hours')``, service, kind), SQLite reads the period in that order and sorts nothing; the
period is then asked by the same expression. Asia/Jakarta keeps no summer time, so the offset is fixed; a bot run in
another time zone still gets right figures (the queries then say that zone's offset and the index goes unused).
PostgreSQL aggregates by hashing and needs none.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0018"
down_revision: str | Sequence[str] | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_ticket_wib_day_service_kind"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"CREATE INDEX {INDEX} ON ticket (date(created_at, '+7 hours'), service_code, kind)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"DROP INDEX {INDEX}")
