"""Errors raised by the storage layer. Each one says when it is raised."""

from __future__ import annotations


class StorageError(Exception):
    """Base class of every error the storage package raises on purpose."""


class NaiveDatetime(StorageError, ValueError):
    """Raised when a datetime without a timezone is given to storage (all times are stored as UTC).

    Inside a SQL statement SQLAlchemy wraps it in ``sqlalchemy.exc.StatementError``; repository
    methods that take a time check it first and raise it directly.
    """


class UnknownTicketKind(StorageError, ValueError):
    """Raised by ``TicketRepository.add`` when the kind is neither ``complaint`` nor ``suggestion``."""


class TicketNotFound(StorageError, LookupError):
    """Raised when a ticket id given to ``TicketRepository.set_status`` or ``update``, or to
    ``LkRepository.link``, does not exist."""


class PersonNotFound(StorageError, LookupError):
    """Raised when a person id given to ``PersonRepository.set_language`` or ``mark_unreachable``, or to
    ``StaffRepository.grant``, does not exist."""


class UnknownField(StorageError, ValueError):
    """Raised by ``TicketRepository.update`` and ``LkRepository.update`` for a field they may not change."""


class InvalidFieldValue(StorageError, ValueError):
    """Raised by ``update`` methods for a value the column cannot hold: ``None`` for a required field,
    a non-datetime for a time, a rating outside 1–5."""


class UnknownRole(StorageError, ValueError):
    """Raised by ``StaffRepository.grant`` when the role is not one of ``storage.repositories.staff.STAFF_ROLES``."""


class UnknownLkKind(StorageError, ValueError):
    """Raised by ``LkRepository.add`` when the kind is neither ``nonconformity`` nor ``improvement``."""


class UnknownActionKind(StorageError, ValueError):
    """Raised by ``LkRepository.add_action`` when the kind is not ``correction``, ``corrective`` or ``preventive``."""


class LkNotFound(StorageError, LookupError):
    """Raised when an LK id given to ``LkRepository`` (``update``, ``set_status``, ``link``, ``add_action``)
    does not exist."""


class ActionNotFound(StorageError, LookupError):
    """Raised when an action id given to ``LkRepository.complete_action`` does not exist."""


class ActionAlreadyDone(StorageError, RuntimeError):
    """Raised by ``LkRepository.complete_action`` when the action was already marked done (e.g. a second
    tap on the same button); the first completion and its evidence are kept."""


class OutboxMessageNotFound(StorageError, LookupError):
    """Raised when an outbox id given to ``mark_sent``, ``reschedule`` or ``mark_failed`` does not exist."""


class UnitOfWorkNotActive(StorageError, RuntimeError):
    """Raised when a unit of work is used (repositories, commit, rollback) outside ``async with uow:``."""


class UnitOfWorkAlreadyActive(StorageError, RuntimeError):
    """Raised when ``async with uow:`` is entered while that same unit of work is already open.

    One ``SqlUnitOfWork`` serves one use case at a time; concurrent tasks each need their own.
    """


class MigrationBrokeForeignKeys(StorageError):
    """Raised (and the migration rolled back) when a migration on SQLite, which runs with foreign
    keys switched off, leaves rows referring to rows that do not exist."""
