"""ConfigError, and the checks every section of the configuration shares."""

from __future__ import annotations

from typing import Any


class ConfigError(ValueError):
    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key}: {problem}")
        self.key = key
        self.problem = problem


def reject_unknown(data: dict[str, Any], known: tuple[str, ...], where: str = "") -> None:
    for key in data:
        if key not in known:
            raise ConfigError(f"{where}{key}", f"unknown key; known: {', '.join(known)}")


def require(data: dict[str, Any], key: str, kind: type, where: str = "") -> Any:
    name = f"{where}{key}"
    if key not in data:
        raise ConfigError(name, "missing")
    value = data[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ConfigError(name, f"must be a {kind.__name__}, got {type(value).__name__}")
    return value
