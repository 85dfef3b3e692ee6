"""Errors of the Bot API emulator."""

from __future__ import annotations

from typing import Any

CONFLICT_POLL = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"


class EmulatorError(Exception):
    """Raised by the Python API when a simulated user does something impossible (unknown user, no button)."""


class ApiError(Exception):
    """Raised inside a Bot API method; becomes Telegram's ``{"ok": false, ...}`` answer."""

    def __init__(self, status: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def to_json(self) -> dict[str, Any]:
        """The response body exactly as Telegram shapes it."""
        body: dict[str, Any] = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(reason: str) -> ApiError:
    """A 400 ``Bad Request: <reason>``."""
    return ApiError(400, f"Bad Request: {reason}")


def forbidden(reason: str) -> ApiError:
    """A 403 ``Forbidden: <reason>``."""
    return ApiError(403, f"Forbidden: {reason}")


def too_many_requests(retry_after: int) -> ApiError:
    """A 429 with ``parameters.retry_after`` as Telegram sends it."""
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after})


def not_found() -> ApiError:
    """A 404 ``Not Found`` (unknown method or malformed token)."""
    return ApiError(404, "Not Found")
