"""The Bot API method table and the context its methods work on."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from .params import Params
from .ratelimit import Clock, SendLimiter
from .state import World
from .updates import ChangeSignal, UpdateQueue


@dataclass
class Context:
    """Everything a Bot API method may read or change."""

    world: World
    queue: UpdateQueue
    limiter: SendLimiter
    signal: ChangeSignal
    clock: Clock
    strict_html_entities: bool = False
    callback_timeout: float = 15.0
    poll_generation: int = 0
    closing: bool = False


@dataclass(frozen=True)
class Described:
    """A result that Telegram sends with a ``description`` (e.g. "Webhook was set")."""

    value: Any
    description: str


Handler = Callable[[Context, Params], Awaitable[Any]]
H = TypeVar("H", bound=Handler)
METHODS: dict[str, tuple[str, Handler]] = {}


def method(name: str) -> Callable[[H], H]:
    """Register a Bot API method under its canonical name (looked up case-insensitively)."""

    def register(handler: H) -> H:
        METHODS[name.lower()] = (name, handler)
        return handler

    return register


def lookup(name: str) -> tuple[str, Handler] | None:
    return METHODS.get(name.lower())
