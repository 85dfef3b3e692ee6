"""One repository per aggregate; each works inside the ``AsyncSession`` it is given."""

from storage.repositories.archive import ArchiveRepository
from storage.repositories.cases import CaseRepository
from storage.repositories.dialogs import DialogRepository
from storage.repositories.due import DueRepository
from storage.repositories.erasure import ErasureRepository
from storage.repositories.lk_documents import LkDocumentRepository
from storage.repositories.lks import LkRepository
from storage.repositories.monitoring import MonitoringRepository
from storage.repositories.outbox import OutboxRepository
from storage.repositories.persons import PersonRepository
from storage.repositories.privacy import AuditRepository, DataRequestRepository
from storage.repositories.recap import RecapRepository
from storage.repositories.register import RegisterRepository
from storage.repositories.staff import StaffRepository
from storage.repositories.statistics import StatisticsRepository
from storage.repositories.tickets import TicketRepository
from storage.repositories.unhandled import UnhandledUpdates
from storage.repositories.updates import UpdateLog

__all__ = [
    "ArchiveRepository",
    "AuditRepository",
    "CaseRepository",
    "DataRequestRepository",
    "DialogRepository",
    "DueRepository",
    "ErasureRepository",
    "LkDocumentRepository",
    "LkRepository",
    "MonitoringRepository",
    "OutboxRepository",
    "PersonRepository",
    "RecapRepository",
    "RegisterRepository",
    "StaffRepository",
    "StatisticsRepository",
    "TicketRepository",
    "UnhandledUpdates",
    "UpdateLog",
]
