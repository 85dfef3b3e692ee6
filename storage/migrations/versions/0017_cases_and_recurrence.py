""""Me too" cases and recurrence (issue 14): the schema both build on.

- ``ticket_case``: tickets of several complainants about one nonconformity of one service (kasus bersama). The
  first ticket leads it (``lead_ticket_id``); the others joined it while filing ("is yours the same case?") or were
  attached by an officer. ``summary`` is the public summary an officer wrote — the only text of the case another
  complainant ever sees.
- ``ticket.case_id``: the case a ticket belongs to (NULL: none). ``ticket.recurrence_of_lk``: the closed LK whose
  nonconformity this ticket reports as having happened again (opened from a "yes" to the 30-day question, or
  linked by an officer).
- ``lk.recurrence_of``: the earlier, closed LK this LK is a recurrence of; that one's effectiveness then counts as
  failed.
- ``recurrence_check``: the 30-day question "did it happen again?" put to one complainant about one closed LK, and
  the answer (``yes`` opens ``new_ticket_id``; ``no`` confirms the LK's effectiveness).

New columns are plain nullable ADD COLUMNs with their references, so no table is rebuilt on upgrade.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_REFERENCES = (("ticket", "case_id", "ticket_case", "fk_ticket_case_id_ticket_case"),
               ("ticket", "recurrence_of_lk", "lk", "fk_ticket_recurrence_of_lk_lk"),
               ("lk", "recurrence_of", "lk", "fk_lk_recurrence_of_lk"))
_PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _utc(name: str, *, nullable: bool) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "ticket_case",
        sa.Column("id", _PK, primary_key=True, autoincrement=True),
        sa.Column("service_code", sa.String(64), nullable=False),
        sa.Column("lead_ticket_id", sa.BigInteger(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("summary_by", sa.BigInteger(), nullable=True),
        _utc("summary_at", nullable=True),
        _utc("created_at", nullable=False),
        sa.ForeignKeyConstraint(["lead_ticket_id"], ["ticket.id"], name=op.f("fk_ticket_case_lead_ticket_id_ticket")),
        sa.ForeignKeyConstraint(["summary_by"], ["person.id"], name=op.f("fk_ticket_case_summary_by_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_case")),
    )
    op.create_index(op.f("ix_ticket_case_lead_ticket_id"), "ticket_case", ["lead_ticket_id"], unique=True)
    op.create_index(op.f("ix_ticket_case_service_code_created_at"), "ticket_case", ["service_code", "created_at"])
    # a plain ADD COLUMN with its reference: no copy of the table (SQLite allows REFERENCES on a NULL column)
    for table, column, target, name in _REFERENCES:
        if op.get_bind().dialect.name == "postgresql":
            op.add_column(table, sa.Column(column, sa.BigInteger(), nullable=True))
            op.create_foreign_key(op.f(name), table, target, [column], ["id"])
        else:
            op.execute(f"ALTER TABLE {table} ADD COLUMN {column} BIGINT REFERENCES {target} (id)")
    op.create_index(op.f("ix_ticket_case_id"), "ticket", ["case_id"])
    op.create_index(op.f("ix_ticket_recurrence_of_lk"), "ticket", ["recurrence_of_lk"])
    op.create_index(op.f("ix_lk_recurrence_of"), "lk", ["recurrence_of"])
    op.create_table(
        "recurrence_check",
        sa.Column("ticket_id", sa.BigInteger(), nullable=False),
        sa.Column("lk_id", sa.BigInteger(), nullable=False),
        _utc("asked_at", nullable=False),
        sa.Column("answer", sa.String(8), nullable=True),
        _utc("answered_at", nullable=True),
        sa.Column("new_ticket_id", sa.BigInteger(), nullable=True),
        sa.CheckConstraint("answer IN ('yes', 'no')", name=op.f("ck_recurrence_check_answer")),
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"], name=op.f("fk_recurrence_check_ticket_id_ticket")),
        sa.ForeignKeyConstraint(["lk_id"], ["lk.id"], name=op.f("fk_recurrence_check_lk_id_lk")),
        sa.ForeignKeyConstraint(["new_ticket_id"], ["ticket.id"],
                                name=op.f("fk_recurrence_check_new_ticket_id_ticket")),
        sa.PrimaryKeyConstraint("ticket_id", "lk_id", name=op.f("pk_recurrence_check")),
    )
    op.create_index(op.f("ix_recurrence_check_lk_id_answer"), "recurrence_check", ["lk_id", "answer"])


def downgrade() -> None:
    op.drop_index(op.f("ix_recurrence_check_lk_id_answer"), table_name="recurrence_check")
    op.drop_table("recurrence_check")
    op.drop_index(op.f("ix_lk_recurrence_of"), table_name="lk")
    op.drop_index(op.f("ix_ticket_recurrence_of_lk"), table_name="ticket")
    op.drop_index(op.f("ix_ticket_case_id"), table_name="ticket")
    for table, column, _target, name in reversed(_REFERENCES):
        if op.get_bind().dialect.name == "postgresql":
            op.drop_constraint(op.f(name), table, type_="foreignkey")
            op.drop_column(table, column)
        else:  # SQLite drops a column with its own REFERENCES in place (a batch copy would misread 0016's columns)
            op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    op.drop_index(op.f("ix_ticket_case_service_code_created_at"), table_name="ticket_case")
    op.drop_index(op.f("ix_ticket_case_lead_ticket_id"), table_name="ticket_case")
    op.drop_table("ticket_case")
