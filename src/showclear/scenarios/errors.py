"""Errors of the scenario package.

The tree, under :class:`showclear.errors.ShowclearError`, with its kind (docs/errors.md)::

    ScenarioError      a scenario file cannot be read: names the file and the line   bad-request
"""

from __future__ import annotations

from showclear.errors import ErrorKind, ShowclearError

__all__ = ["ScenarioError"]


class ScenarioError(ShowclearError):
    """A scenario file is malformed; the message starts with ``file:line:``."""

    kind = ErrorKind.BAD_REQUEST

    def __init__(self, message: str, path: str, line: int | None) -> None:
        self.message = message
        self.path = path
        self.line = line
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {message}")
