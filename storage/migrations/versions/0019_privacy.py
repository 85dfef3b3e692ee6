"""Privacy by design (issue 15, UU PDP No. 27/2022): the schema the privacy features build on.

- ``person.notice_version`` / ``notice_at``: the privacy notice a person was last shown, and when.
- ``person.pseudonym`` / ``forgotten_at``: a person row standing for someone erased (``/forget``, retention).
- ``ticket.identity_level``: ``named`` | ``confidential`` | ``anonymous`` (the complainant's choice per ticket);
  tickets filed anonymously before are ``anonymous``. ``identity_erased_at``, ``attachments_erased_at``: when the
  identity and the attachments of a closed ticket were erased.
- ``audit_log``: identity views, role and identity-level changes, what forget and retention did.
- ``data_request``: the register of data-subject requests (access, correction, erasure) with their deadline.

New columns are plain ADD COLUMNs (SQLite takes a column CHECK inline), so no table is rebuilt on upgrade.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | Sequence[str] | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_LEVELS = "identity_level IN ('named', 'confidential', 'anonymous')"


def _utc(name: str, *, nullable: bool = True) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.add_column("person", sa.Column("notice_version", sa.String(16), nullable=True))
    op.add_column("person", _utc("notice_at"))
    op.add_column("person", sa.Column("pseudonym", sa.String(32), nullable=True))
    op.add_column("person", _utc("forgotten_at"))
    op.create_index(op.f("ix_person_pseudonym"), "person", ["pseudonym"], unique=True)
    if op.get_bind().dialect.name == "postgresql":
        op.add_column("ticket", sa.Column("identity_level", sa.String(16), nullable=False, server_default="named"))
        op.create_check_constraint(op.f("ck_ticket_identity_level"), "ticket", _LEVELS)
    else:  # a column CHECK inline: ALTER TABLE … ADD CONSTRAINT does not exist in SQLite (a batch would copy 1M rows)
        op.execute("ALTER TABLE ticket ADD COLUMN identity_level VARCHAR(16) DEFAULT 'named' NOT NULL "
                   f"CONSTRAINT ck_ticket_identity_level CHECK ({_LEVELS})")
    op.execute("UPDATE ticket SET identity_level = 'anonymous' WHERE anonymous")
    op.add_column("ticket", _utc("identity_erased_at"))
    op.add_column("ticket", _utc("attachments_erased_at"))
    op.create_table(
        "audit_log",
        sa.Column("id", _PK, primary_key=True, autoincrement=True),
        _utc("at", nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("actor_id", sa.BigInteger(), nullable=True),
        sa.Column("ticket_id", sa.BigInteger(), nullable=True),
        sa.Column("subject_id", sa.BigInteger(), nullable=True),
        sa.Column("place", sa.String(64), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["person.id"], name=op.f("fk_audit_log_actor_id_person")),
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"], name=op.f("fk_audit_log_ticket_id_ticket")),
        sa.ForeignKeyConstraint(["subject_id"], ["person.id"], name=op.f("fk_audit_log_subject_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_ticket_id_at"), "audit_log", ["ticket_id", "at"])
    op.create_index(op.f("ix_audit_log_actor_id_at"), "audit_log", ["actor_id", "at"])
    op.create_index(op.f("ix_audit_log_kind_at"), "audit_log", ["kind", "at"])
    op.create_index(op.f("ix_audit_log_at"), "audit_log", ["at"])
    op.create_table(
        "data_request",
        sa.Column("id", _PK, primary_key=True, autoincrement=True),
        sa.Column("number", sa.String(32), nullable=False),
        sa.Column("person_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        _utc("received_at", nullable=False),
        _utc("due_at", nullable=False),
        _utc("done_at"),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.CheckConstraint("kind IN ('access', 'correction', 'erasure')", name=op.f("ck_data_request_kind")),
        sa.CheckConstraint("status IN ('open', 'done', 'refused')", name=op.f("ck_data_request_status")),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_data_request_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_request")),
        sa.UniqueConstraint("number", name=op.f("uq_data_request_number")),
    )
    op.create_index(op.f("ix_data_request_status_due_at"), "data_request", ["status", "due_at"])
    op.create_index(op.f("ix_data_request_person_id_received_at"), "data_request", ["person_id", "received_at"])
    op.create_index(op.f("ix_data_request_received_at"), "data_request", ["received_at"])


def downgrade() -> None:
    op.drop_table("data_request")
    op.drop_table("audit_log")
    op.drop_column("ticket", "attachments_erased_at")
    op.drop_column("ticket", "identity_erased_at")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(op.f("ck_ticket_identity_level"), "ticket", type_="check")
        op.drop_column("ticket", "identity_level")
    else:  # SQLite drops a column with its own CHECK in place
        op.execute("ALTER TABLE ticket DROP COLUMN identity_level")
    op.drop_index(op.f("ix_person_pseudonym"), table_name="person")
    for column in ("forgotten_at", "pseudonym", "notice_at", "notice_version"):
        op.drop_column("person", column)
