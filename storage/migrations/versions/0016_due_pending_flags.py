"""The late tickets' partial indexes on computed flags, so PostgreSQL chooses them at a million tickets.

0015's partial indexes hold only the late tickets whose notices are not settled (a few hundred of a million), but
their predicates were expressions over the watermarks, and PostgreSQL estimated them from each column alone: the
watermarks are NULL on every concluded ticket (94 %), so it guessed that nearly every ticket with a deadline was
unsettled and walked ``ix_ticket_due_on`` over all ~64,000 of them, four times a pass (~100 ms each). The same
predicates are now columns the database computes, ``late_untold`` and ``escalation_pending`` (stored on
PostgreSQL, virtual on SQLite: neither is written by the application, so no writer can forget them), and the
partial indexes are ``WHERE late_untold`` / ``WHERE escalation_pending``: PostgreSQL keeps statistics of a column
and knows how few are true.

The rating reminder and the auto-close read the unrated concluded tickets answered before a bound: PostgreSQL
guessed from each column's statistics that most concluded tickets were (most tickets were answered long ago, and
closed since) and read all ~37,000 by status, twice a pass (~100 ms each); ``unrated_since`` (the answer's moment
of an unrated concluded ticket, else NULL), computed and indexed, has statistics of just those.

The open actions' index (status, due_on) also covers lk_id and owner_person_id: the owners' digest count and the
overdue escalations read every open action due (~6,000 at 50,000 actions) each pass, and visited each one's row.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
LATE_UNTOLD = ("due_on IS NOT NULL AND (late_told_on IS NULL OR late_told_on <> due_on OR late_told_step <> "
               "due_step)")
ESCALATION_PENDING = "due_on IS NOT NULL AND (escalated_on IS NULL OR escalated_on <> due_on)"
ACTION_COVER = ["status", "due_on", "lk_id", "owner_person_id"]
UNRATED_SINCE = "CASE WHEN rating IS NULL AND status IN ('conforming', 'resolved') THEN resolved_at END"
INDEXES = (("ix_ticket_late_untold", "late_untold", LATE_UNTOLD),
           ("ix_ticket_escalation_pending", "escalation_pending", ESCALATION_PENDING))


def upgrade() -> None:
    # STORED on PostgreSQL (before 18 it has nothing else), VIRTUAL on SQLite (all its ALTER TABLE may add)
    stored = op.get_bind().dialect.name == "postgresql"
    for name, column, expression in INDEXES:
        op.drop_index(name, table_name="ticket")
        op.add_column("ticket", sa.Column(column, sa.Boolean(), sa.Computed(expression, persisted=stored),
                                          nullable=True))
        op.create_index(name, "ticket", ["due_on", "id"], sqlite_where=sa.text(column),
                        postgresql_where=sa.text(column))
    op.add_column("ticket", sa.Column("unrated_since", sa.DateTime(timezone=True),
                                      sa.Computed(UNRATED_SINCE, persisted=stored), nullable=True))
    op.create_index("ix_ticket_unrated_since_id", "ticket", ["unrated_since", "id"])
    op.create_index("ix_lk_action_status_due_on_lk_id_owner_person_id", "lk_action", ACTION_COVER)
    op.drop_index("ix_lk_action_status_due_on", table_name="lk_action")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ANALYZE ticket")  # the new columns' statistics, before the next pass is planned


def downgrade() -> None:
    op.drop_index("ix_ticket_unrated_since_id", table_name="ticket")
    op.drop_column("ticket", "unrated_since")
    op.create_index("ix_lk_action_status_due_on", "lk_action", ["status", "due_on"])
    op.drop_index("ix_lk_action_status_due_on_lk_id_owner_person_id", table_name="lk_action")
    for name, column, expression in INDEXES:
        op.drop_index(name, table_name="ticket")
        op.drop_column("ticket", column)
        op.create_index(name, "ticket", ["due_on", "id"], sqlite_where=sa.text(expression),
                        postgresql_where=sa.text(expression))
