"""Column types shared by the models: UTC datetimes that survive SQLite."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Integer
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

from storage.errors import NaiveDatetime

#: Primary-key type: BIGINT in PostgreSQL, INTEGER in SQLite (so it is the rowid and autoincrements).
BigIntPk: TypeEngine[int] = BigInteger().with_variant(Integer(), "sqlite")


def require_aware(value: datetime, what: str = "datetime") -> datetime:
    """Return ``value`` in UTC; raise :class:`NaiveDatetime` if it carries no timezone."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise NaiveDatetime(f"{what} must be timezone-aware, got naive {value.isoformat()}")
    return value.astimezone(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """A ``TIMESTAMP WITH TIME ZONE`` that always stores UTC and always returns aware UTC datetimes.

    SQLite keeps no timezone, so the value is written as naive UTC there and marked UTC again
    when read. Naive datetimes are refused on the way in.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        utc = require_aware(value)
        if dialect.name == "sqlite":
            return utc.replace(tzinfo=None)
        return utc

    def process_result_value(self, value: Any | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
