"""The layers of docs/architecture.md hold: dependencies point one way, and no module imports itself round a circle.

Every ``import`` counts, also one inside a function: a lazy import hides a circle from Python, not from a reader.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "handlers", "dialogs", "reports", "storage", "domain", "locales")
MAY_IMPORT = {
    "domain": {"domain"},
    "dialogs": {"dialogs", "domain"},
    "storage": {"storage", "domain"},
    "locales": {"locales"},
    "reports": {"reports"},
    "handlers": {"handlers", "dialogs", "reports", "storage", "domain", "locales"},
    "bot": set(PACKAGES),
}
FRAMEWORKS = ("aiogram", "telegram")


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def imports(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def graph() -> dict[str, set[str]]:
    known = modules()
    edges: dict[str, set[str]] = {}
    for name, path in known.items():
        edges[name] = {target for target in imports(path) if target in known and target != name}
    return edges


@pytest.mark.parametrize("package", [p for p in PACKAGES if p != "bot"])
def test_each_layer_imports_only_the_layers_below_it(package: str) -> None:
    wrong = sorted(
        f"{name} imports {target}"
        for name, targets in graph().items() if name.split(".")[0] == package
        for target in targets if target.split(".")[0] not in MAY_IMPORT[package]
    )
    assert wrong == []


def test_only_bot_imports_a_telegram_framework() -> None:
    wrong = sorted(
        f"{name} imports {target}"
        for name, path in modules().items() if name.split(".")[0] != "bot"
        for target in imports(path) if target.split(".")[0] in FRAMEWORKS
    )
    assert wrong == []


def test_no_module_imports_itself_round_a_circle() -> None:
    edges = graph()
    circles: set[tuple[str, ...]] = set()
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for target in sorted(edges.get(node, ())):
            if state.get(target) == 1:
                circle = stack[stack.index(target):]
                start = circle.index(min(circle))
                circles.add(tuple(circle[start:] + circle[:start]))
            elif target not in state:
                visit(target)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node)
    assert sorted(" → ".join((*c, c[0])) for c in circles) == []
