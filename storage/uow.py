"""Unit of work: one transaction per use case (``async with uow:`` … ``await uow.commit()``)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from types import TracebackType
from typing import Protocol, Self

from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.database import SQLITE_BUSY_TIMEOUT_MS, driver_execute
from storage.errors import UnitOfWorkAlreadyActive, UnitOfWorkNotActive
from storage.ports import (
    Archive,
    Dialogs,
    Due,
    LkDocuments,
    Lks,
    Monitoring,
    Outbox,
    Persons,
    Recap,
    Register,
    Staff,
    Statistics,
    Tickets,
    Unhandled,
    Updates,
)
from storage.repositories import (
    ArchiveRepository,
    AuditRepository,
    CaseRepository,
    DataRequestRepository,
    DialogRepository,
    DueRepository,
    ErasureRepository,
    LkDocumentRepository,
    LkRepository,
    MonitoringRepository,
    OutboxRepository,
    PersonRepository,
    RecapRepository,
    RegisterRepository,
    StaffRepository,
    StatisticsRepository,
    TicketRepository,
    UnhandledUpdates,
    UpdateLog,
)
from storage.repositories.archive import FILES_RECORDED
from storage.repositories.breach import BreachRepository
from storage.repositories.recurrence import RecurrenceRepository

log = logging.getLogger(__name__)


class UnitOfWork(Protocol):
    """What use cases type against. Leaving the block without ``commit()`` rolls back."""

    @property
    def persons(self) -> Persons: ...
    @property
    def tickets(self) -> Tickets: ...
    @property
    def dialogs(self) -> Dialogs: ...
    @property
    def updates(self) -> Updates: ...
    @property
    def outbox(self) -> Outbox: ...
    @property
    def staff(self) -> Staff: ...
    @property
    def lks(self) -> Lks: ...
    @property
    def monitoring(self) -> Monitoring: ...
    @property
    def unhandled(self) -> Unhandled: ...
    @property
    def due(self) -> Due: ...
    @property
    def archive(self) -> Archive: ...

    @property
    def files_recorded(self) -> bool:
        """The last committed transaction booked files for the archive (the fetcher is woken)."""
        ...

    @property
    def lk_documents(self) -> LkDocuments: ...

    @property
    def register(self) -> Register: ...

    @property
    def recap(self) -> Recap: ...

    @property
    def statistics(self) -> Statistics: ...

    @property
    def recurrence(self) -> RecurrenceRepository: ...

    @property
    def cases(self) -> CaseRepository: ...

    @property
    def audit(self) -> AuditRepository: ...

    @property
    def data_requests(self) -> DataRequestRepository: ...

    @property
    def breach(self) -> BreachRepository: ...

    @property
    def erasure(self) -> ErasureRepository: ...

    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...
    async def commit(self) -> None: ...
    async def rollback(self) -> None: ...
    async def settle_erasure(self, *, erased: bool = True) -> bool: ...


@dataclass(frozen=True)
class _Open:
    session: AsyncSession
    persons: PersonRepository
    tickets: TicketRepository
    dialogs: DialogRepository
    updates: UpdateLog
    outbox: OutboxRepository
    staff: StaffRepository
    lks: LkRepository
    monitoring: MonitoringRepository
    unhandled: UnhandledUpdates
    due: DueRepository
    archive: ArchiveRepository
    lk_documents: LkDocumentRepository
    register: RegisterRepository
    recap: RecapRepository
    statistics: StatisticsRepository
    recurrence: RecurrenceRepository
    cases: CaseRepository
    audit: AuditRepository
    data_requests: DataRequestRepository
    breach: BreachRepository
    erasure: ErasureRepository


#: How long a checkpoint after an erasure waits for other processes' locks (``SqlUnitOfWork.settle_erasure``).
CHECKPOINT_WAIT_MS = 100
#: The SQLite databases (by URL) whose last checkpoint after an erasure was partial: the next retention pass retries.
_UNSETTLED: set[str] = set()


def _checkpoint(connection: Connection) -> bool:
    """``PRAGMA wal_checkpoint(TRUNCATE)`` outside any transaction, with a short busy timeout; True when it could not
    finish (SQLite's first result column: "busy")."""
    driver_execute(connection, f"PRAGMA busy_timeout = {CHECKPOINT_WAIT_MS}")
    try:
        row = driver_execute(connection, "PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        driver_execute(connection, f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    return row is None or bool(row[0])


class SqlUnitOfWork:
    """A fresh ``AsyncSession`` each time the block is entered; closed (and rolled back unless
    committed) when it is left, exception or not.

    One instance serves one use case at a time: entering it again while open raises
    :class:`UnitOfWorkAlreadyActive`; concurrent tasks each make their own (it is cheap).
    Repositories are only available inside the block (:class:`UnitOfWorkNotActive` otherwise).
    """

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._session_factory = session_factory
        self._open: _Open | None = None
        self._files_recorded = False

    async def __aenter__(self) -> Self:
        if self._open is not None:
            raise UnitOfWorkAlreadyActive("this unit of work is already open; use one per task")
        session = self._session_factory()
        self._open = _Open(
            session=session,
            persons=PersonRepository(session),
            tickets=TicketRepository(session),
            dialogs=DialogRepository(session),
            updates=UpdateLog(session),
            outbox=OutboxRepository(session),
            staff=StaffRepository(session),
            lks=LkRepository(session),
            monitoring=MonitoringRepository(session),
            unhandled=UnhandledUpdates(session),
            due=DueRepository(session),
            archive=ArchiveRepository(session),
            lk_documents=LkDocumentRepository(session),
            register=RegisterRepository(session),
            recap=RecapRepository(session),
            statistics=StatisticsRepository(session),
            recurrence=RecurrenceRepository(session),
            cases=CaseRepository(session),
            audit=AuditRepository(session),
            data_requests=DataRequestRepository(session),
            breach=BreachRepository(session),
            erasure=ErasureRepository(session),
        )
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        state, self._open = self._active, None
        try:
            await state.session.rollback()
        finally:
            await state.session.close()

    async def commit(self) -> None:
        session = self._active.session
        files = bool(session.info.pop(FILES_RECORDED, False))
        await session.commit()
        self._files_recorded = self._files_recorded or files

    @property
    def files_recorded(self) -> bool:
        return self._files_recorded

    async def settle_erasure(self, *, erased: bool = True) -> bool:
        """After an erasure's commit (``/forget``, retention), and after its files left the archive: on SQLite, the
        write-ahead log is checkpointed into the database and truncated (``PRAGMA wal_checkpoint(TRUNCATE)``). Its
        older frames are earlier versions of the pages the erasure rewrote — the name as it was — and stay in
        ``<db>-wal`` until SQLite happens to overwrite them (found in a walk: the raw file still held it); pages the
        checkpoint frees are zeroed (``secure_delete``). On a connection of its own, outside any transaction (a
        checkpoint cannot finish inside one), waiting at most :data:`CHECKPOINT_WAIT_MS` for other processes: a
        reader on an older snapshot (a backup, the register's child) or another writer makes it partial, and the
        bot's replies must not queue behind it for the usual 2 s. A partial or failed one is logged and left for
        the next retention pass, which tries again (``erased=False``: only then). Best effort: the erasure itself is
        committed, and this never raises. True when the log is empty (always on PostgreSQL, whose old row versions
        go with vacuum: docs/operations.md)."""
        engine = self._session_factory.kw.get("bind")
        if engine is None or engine.dialect.name != "sqlite":
            return True
        key = str(engine.url)
        if not erased and key not in _UNSETTLED:
            return True
        try:
            async with engine.connect() as connection:
                busy = await connection.run_sync(_checkpoint)
        except Exception:
            log.warning("the write-ahead log was not checkpointed after an erasure; the next retention pass tries "
                        "again", exc_info=True)
            busy = True
        if busy:
            if key not in _UNSETTLED:
                log.warning("after an erasure the write-ahead log could not be emptied (another process is reading "
                            "or writing): older versions of the erased rows stay in it until the next retention "
                            "pass empties it")
            _UNSETTLED.add(key)
            return False
        _UNSETTLED.discard(key)
        return True

    async def rollback(self) -> None:
        self._active.session.info.pop(FILES_RECORDED, None)
        await self._active.session.rollback()

    @property
    def persons(self) -> PersonRepository:
        return self._active.persons

    @property
    def tickets(self) -> TicketRepository:
        return self._active.tickets

    @property
    def dialogs(self) -> DialogRepository:
        return self._active.dialogs

    @property
    def updates(self) -> UpdateLog:
        return self._active.updates

    @property
    def outbox(self) -> OutboxRepository:
        return self._active.outbox

    @property
    def staff(self) -> StaffRepository:
        return self._active.staff

    @property
    def lks(self) -> LkRepository:
        return self._active.lks

    @property
    def monitoring(self) -> MonitoringRepository:
        return self._active.monitoring

    @property
    def statistics(self) -> StatisticsRepository:
        return self._active.statistics

    @property
    def unhandled(self) -> UnhandledUpdates:
        return self._active.unhandled

    @property
    def due(self) -> DueRepository:
        return self._active.due

    @property
    def archive(self) -> ArchiveRepository:
        return self._active.archive

    @property
    def lk_documents(self) -> LkDocumentRepository:
        return self._active.lk_documents

    @property
    def register(self) -> RegisterRepository:
        return self._active.register

    @property
    def recap(self) -> RecapRepository:
        return self._active.recap

    @property
    def recurrence(self) -> RecurrenceRepository:
        return self._active.recurrence

    @property
    def cases(self) -> CaseRepository:
        return self._active.cases

    @property
    def audit(self) -> AuditRepository:
        return self._active.audit

    @property
    def data_requests(self) -> DataRequestRepository:
        return self._active.data_requests

    @property
    def breach(self) -> BreachRepository:
        return self._active.breach

    @property
    def erasure(self) -> ErasureRepository:
        return self._active.erasure

    @property
    def _active(self) -> _Open:
        if self._open is None:
            raise UnitOfWorkNotActive("use the unit of work inside 'async with uow:'")
        return self._open
