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
    """Raised when a ticket id given to ``TicketRepository.set_status`` does not exist."""


class PersonNotFound(StorageError, LookupError):
    """Raised when a person id given to ``PersonRepository.set_language`` does not exist."""


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
