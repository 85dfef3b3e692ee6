"""``/mydata`` as JSON: machine-readable (UU PDP portability), UTF-8, a ``schema`` version first. Pure: a
:class:`reports.mydata_model.MyData` in, bytes out."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from reports.mydata_model import SCHEMA, MyData


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def render_json(doc: MyData) -> bytes:
    """The copy as UTF-8 JSON (not ASCII-escaped: names and texts read as written), dates in ISO 8601 with their
    offset."""
    body = asdict(doc)
    data = {"schema": SCHEMA, **_plain(body)}
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
