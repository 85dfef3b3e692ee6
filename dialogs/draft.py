"""The draft of a complaint or suggestion while the intake dialog collects it (kept in the database)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any

COMPLAINT = "complaint"
SUGGESTION = "suggestion"
OTHER_SERVICE = "other"
MAX_ATTACHMENTS = 5


@dataclass(frozen=True)
class DraftFile:
    file_id: str
    file_type: str
    file_name: str | None = None


@dataclass(frozen=True)
class Draft:
    """Answers so far. ``returning`` is set while editing from the summary: completed steps are skipped."""

    kind: str | None = None
    service: str | None = None
    description: str | None = None
    files: tuple[DraftFile, ...] = ()
    files_done: bool = False
    occurred_on: date | None = None
    when_done: bool = False
    answers: dict[str, str] = field(default_factory=dict)
    question_index: int = 0
    anonymous: bool | None = None
    returning: bool = False

    def with_(self, **changes: Any) -> Draft:
        return replace(self, **changes)

    def answer(self, question_id: str, value: str) -> Draft:
        return replace(self, answers={**self.answers, question_id: value}, question_index=self.question_index + 1)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["occurred_on"] = self.occurred_on.isoformat() if self.occurred_on else None
        data["files"] = [asdict(f) for f in self.files]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Draft:
        """Rebuild a stored draft; unknown keys are ignored so older rows still load."""
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        occurred = known.get("occurred_on")
        known["occurred_on"] = date.fromisoformat(occurred) if occurred else None
        known["files"] = tuple(DraftFile(**f) for f in known.get("files") or ())
        known["answers"] = dict(known.get("answers") or {})
        return cls(**known)
