"""Staff side: roles, reachability, ticket handling columns, LKs with their actions and history.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Person references on ``lk`` besides ``prepared_by``: the SOP's checked/approved roles and the monitor.
_LK_SIGNERS = ("checked_by", "approved_by", "verified_by")


def _id() -> sa.Column[int]:
    """Autoincrementing primary key: BIGINT (BIGSERIAL) in PostgreSQL, INTEGER (rowid) in SQLite."""
    return sa.Column(
        "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
    )


def _utc(name: str, *, nullable: bool = False) -> sa.Column[object]:
    """Stored as UTC; the models read it through ``storage.columns.UtcDateTime``."""
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    # On SQLite, batch mode adds a plain nullable column in place and rebuilds ``ticket`` for its new
    # constraints (storage.migrate switches foreign keys off around the run and checks them after).
    with op.batch_alter_table("person") as batch:
        batch.add_column(_utc("unreachable_at", nullable=True))
    with op.batch_alter_table("ticket") as batch:
        batch.add_column(sa.Column("assigned_to", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("duplicate_of", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("response", sa.Text(), nullable=True))
        batch.add_column(sa.Column("card_message_id", sa.BigInteger(), nullable=True))
        batch.add_column(_utc("confirmed_at", nullable=True))
        batch.add_column(_utc("resolved_at", nullable=True))
        batch.add_column(sa.Column("rating", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("rating_comment", sa.Text(), nullable=True))
        batch.add_column(_utc("rated_at", nullable=True))
        batch.create_foreign_key(op.f("fk_ticket_assigned_to_person"), "person", ["assigned_to"], ["id"])
        batch.create_foreign_key(op.f("fk_ticket_duplicate_of_ticket"), "ticket", ["duplicate_of"], ["id"])
        batch.create_check_constraint(op.f("ck_ticket_rating"), "rating BETWEEN 1 AND 5")
        batch.create_index(op.f("ix_ticket_status_created_at"), ["status", "created_at"])
        batch.create_index(op.f("ix_ticket_assigned_to"), ["assigned_to"])

    op.create_table(
        "staff_role",
        sa.Column("person_id", sa.BigInteger(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("granted_by", sa.BigInteger(), nullable=True),
        _utc("granted_at"),
        sa.CheckConstraint(
            "role IN ('officer', 'reviewer', 'approver', 'monitor', 'admin')", name=op.f("ck_staff_role_role")
        ),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_staff_role_person_id_person")),
        sa.ForeignKeyConstraint(["granted_by"], ["person.id"], name=op.f("fk_staff_role_granted_by_person")),
        sa.PrimaryKeyConstraint("person_id", "role", name=op.f("pk_staff_role")),
    )
    op.create_table(
        "lk",
        _id(),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("service_code", sa.String(length=64), nullable=False),
        sa.Column("procedure_ref", sa.String(length=256), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("root_cause", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("round", sa.Integer(), server_default="1", nullable=False),
        sa.Column("prepared_by", sa.BigInteger(), nullable=False),
        sa.Column("checked_by", sa.BigInteger(), nullable=True),
        _utc("checked_at", nullable=True),
        sa.Column("approved_by", sa.BigInteger(), nullable=True),
        _utc("approved_at", nullable=True),
        sa.Column("verified_by", sa.BigInteger(), nullable=True),
        _utc("verified_at", nullable=True),
        sa.Column("effective", sa.Boolean(), nullable=True),
        sa.Column("response", sa.Text(), nullable=True),
        _utc("created_at"),
        _utc("updated_at"),
        _utc("closed_at", nullable=True),
        sa.CheckConstraint("kind IN ('nonconformity', 'improvement')", name=op.f("ck_lk_kind")),
        sa.ForeignKeyConstraint(["prepared_by"], ["person.id"], name=op.f("fk_lk_prepared_by_person")),
        *(
            sa.ForeignKeyConstraint([column], ["person.id"], name=op.f(f"fk_lk_{column}_person"))
            for column in _LK_SIGNERS
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lk")),
        sa.UniqueConstraint("number", name=op.f("uq_lk_number")),
    )
    op.create_index(op.f("ix_lk_status"), "lk", ["status"])
    op.create_table(
        "lk_ticket",
        sa.Column("lk_id", sa.BigInteger(), nullable=False),
        sa.Column("ticket_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["lk_id"], ["lk.id"], name=op.f("fk_lk_ticket_lk_id_lk")),
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"], name=op.f("fk_lk_ticket_ticket_id_ticket")),
        sa.PrimaryKeyConstraint("lk_id", "ticket_id", name=op.f("pk_lk_ticket")),
    )
    op.create_index(op.f("ix_lk_ticket_ticket_id"), "lk_ticket", ["ticket_id"])
    op.create_table(
        "lk_action",
        _id(),
        sa.Column("lk_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner_person_id", sa.BigInteger(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        _utc("done_at", nullable=True),
        sa.Column("done_by", sa.BigInteger(), nullable=True),
        sa.Column("evidence_text", sa.Text(), nullable=True),
        sa.Column("evidence_file_id", sa.String(length=256), nullable=True),
        sa.Column("evidence_file_type", sa.String(length=16), nullable=True),
        _utc("created_at"),
        sa.CheckConstraint(
            "kind IN ('correction', 'corrective', 'preventive')", name=op.f("ck_lk_action_kind")
        ),
        sa.CheckConstraint("status IN ('open', 'done')", name=op.f("ck_lk_action_status")),
        sa.ForeignKeyConstraint(["lk_id"], ["lk.id"], name=op.f("fk_lk_action_lk_id_lk")),
        sa.ForeignKeyConstraint(
            ["owner_person_id"], ["person.id"], name=op.f("fk_lk_action_owner_person_id_person")
        ),
        sa.ForeignKeyConstraint(["done_by"], ["person.id"], name=op.f("fk_lk_action_done_by_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lk_action")),
    )
    op.create_index(op.f("ix_lk_action_status_due_on"), "lk_action", ["status", "due_on"])
    op.create_index(op.f("ix_lk_action_lk_id_round"), "lk_action", ["lk_id", "round"])
    op.create_table(
        "lk_event",
        _id(),
        sa.Column("lk_id", sa.BigInteger(), nullable=False),
        _utc("at"),
        sa.Column("actor_person_id", sa.BigInteger(), nullable=True),
        sa.Column("from_status", sa.String(length=32), nullable=True),
        sa.Column("to_status", sa.String(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["lk_id"], ["lk.id"], name=op.f("fk_lk_event_lk_id_lk")),
        sa.ForeignKeyConstraint(
            ["actor_person_id"], ["person.id"], name=op.f("fk_lk_event_actor_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lk_event")),
    )
    op.create_index(op.f("ix_lk_event_lk_id_at"), "lk_event", ["lk_id", "at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_lk_event_lk_id_at"), table_name="lk_event")
    op.drop_table("lk_event")
    op.drop_index(op.f("ix_lk_action_lk_id_round"), table_name="lk_action")
    op.drop_index(op.f("ix_lk_action_status_due_on"), table_name="lk_action")
    op.drop_table("lk_action")
    op.drop_index(op.f("ix_lk_ticket_ticket_id"), table_name="lk_ticket")
    op.drop_table("lk_ticket")
    op.drop_index(op.f("ix_lk_status"), table_name="lk")
    op.drop_table("lk")
    op.drop_table("staff_role")
    # ``LK-``/``PRG-`` counters would otherwise outlive the tables they numbered.
    op.execute(sa.text("DELETE FROM number_counter WHERE series IN ('LK', 'PRG')"))

    with op.batch_alter_table("ticket") as batch:
        batch.drop_index(op.f("ix_ticket_assigned_to"))
        batch.drop_index(op.f("ix_ticket_status_created_at"))
        batch.drop_constraint(op.f("ck_ticket_rating"), type_="check")
        batch.drop_constraint(op.f("fk_ticket_duplicate_of_ticket"), type_="foreignkey")
        batch.drop_constraint(op.f("fk_ticket_assigned_to_person"), type_="foreignkey")
        for column in (
            "rated_at",
            "rating_comment",
            "rating",
            "resolved_at",
            "confirmed_at",
            "card_message_id",
            "response",
            "duplicate_of",
            "assigned_to",
        ):
            batch.drop_column(column)
    with op.batch_alter_table("person") as batch:
        batch.drop_column("unreachable_at")
