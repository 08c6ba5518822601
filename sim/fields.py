"""How a parameter's rules and a user's value appear in one-line error messages."""

from __future__ import annotations

from typing import Any


def describe(info) -> str:
    """A pydantic field's type, bounds and description: 'float ge 0, le 1 (how well ...)'."""
    bounds = [
        f"{attr} {getattr(m, attr)}"
        for m in info.metadata
        for attr in ("ge", "gt", "le", "lt")
        if hasattr(m, attr)
    ]
    kind = getattr(info.annotation, "__name__", str(info.annotation))
    text = kind + (" " + ", ".join(bounds) if bounds else "")
    return f"{text} ({info.description})" if info.description else text


def quoted(value: Any, limit: int = 60) -> str:
    """A user's value in an error message: its repr, cut to `limit` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
