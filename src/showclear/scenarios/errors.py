"""Errors of the scenario package.

ScenarioError      a scenario file cannot be read: names the file and the line
"""

from __future__ import annotations

__all__ = ["ScenarioError"]


class ScenarioError(Exception):
    """A scenario file is malformed; the message starts with ``file:line:``."""

    def __init__(self, message: str, path: str, line: int | None) -> None:
        self.message = message
        self.path = path
        self.line = line
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {message}")
