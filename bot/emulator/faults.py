"""Fault injection: make the next calls of a method fail or stall (for resilience tests)."""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass

from .errors import CONFLICT_POLL, ApiError, too_many_requests

_DESCRIPTIONS = {
    400: "Bad Request: injected failure",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: CONFLICT_POLL,
    500: "Internal Server Error",
    502: "Bad Gateway",
}
ANY_METHOD = "*"


@dataclass
class _Fault:
    remaining: int
    status: int = 0
    retry_after: int | None = None
    description: str | None = None
    seconds: float = 0.0

    def error(self) -> ApiError:
        if self.status == 429:
            return too_many_requests(self.retry_after or 1)
        params = {"retry_after": self.retry_after} if self.retry_after else None
        description = self.description or _DESCRIPTIONS.get(self.status, f"Error {self.status}")
        return ApiError(self.status, description, params)


class FaultPlan:
    """Planned failures and delays per method name (case-insensitive; ``"*"`` means any method)."""

    def __init__(self) -> None:
        self._failures: defaultdict[str, deque[_Fault]] = defaultdict(deque)
        self._delays: defaultdict[str, deque[_Fault]] = defaultdict(deque)

    def fail_next(
        self,
        method: str,
        status: int,
        count: int = 1,
        retry_after: int | None = None,
        description: str | None = None,
    ) -> None:
        self._failures[method.lower()].append(_Fault(count, status, retry_after, description))

    def delay_next(self, method: str, seconds: float, count: int = 1) -> None:
        self._delays[method.lower()].append(_Fault(count, seconds=seconds))

    def take_failure(self, method: str) -> ApiError | None:
        fault = _take(self._failures, method)
        return fault.error() if fault else None

    def take_delay(self, method: str) -> float:
        fault = _take(self._delays, method)
        return fault.seconds if fault else 0.0

    def clear(self) -> None:
        self._failures.clear()
        self._delays.clear()


def _take(plans: defaultdict[str, deque[_Fault]], method: str) -> _Fault | None:
    for key in (method.lower(), ANY_METHOD):
        queue = plans.get(key)
        if queue:
            fault = queue[0]
            fault.remaining -= 1
            if fault.remaining <= 0:
                queue.popleft()
            return fault
    return None
