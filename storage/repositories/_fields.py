"""Checks for the ``update(**fields)`` methods: only named columns, values the column can hold."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime

from sqlalchemy import Table

from storage.columns import UtcDateTime, require_aware
from storage.errors import InvalidFieldValue, UnknownField
from storage.models import Base


def checked_changes(
    model: type[Base], fields: Mapping[str, object], allowed: Collection[str]
) -> dict[str, object]:
    """``fields`` if every name is a column of ``model`` in ``allowed`` (:class:`UnknownField` otherwise),
    with times in UTC.

    Raises :class:`InvalidFieldValue` for ``None`` in a required column or a non-datetime for a time,
    and :class:`storage.errors.NaiveDatetime` for a naive datetime.
    """
    table = model.__table__
    assert isinstance(table, Table)
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise UnknownField(f"{table.name} cannot change {unknown}; allowed: {sorted(allowed)}")
    changes: dict[str, object] = {}
    for name, value in fields.items():
        column = table.c[name]
        if value is None:
            if not column.nullable:
                raise InvalidFieldValue(f"{table.name}.{name} cannot be empty")
        elif isinstance(column.type, UtcDateTime):
            if not isinstance(value, datetime):
                raise InvalidFieldValue(f"{table.name}.{name} must be a datetime, got {value!r}")
            value = require_aware(value, name)
        changes[name] = value
    return changes
