"""What every command shares: the global options, the App they build, exit codes.

:class:`ExitCode` lives in :mod:`showclear.errors`, next to the table of error kinds that
uses it; it is re-exported here for the commands.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import typer
from rich.console import Console

from showclear.errors import ExitCode
from showclear.protocol.time import read_time
from showclear.service import App, BadRequest, Clock, FixedClock, build_app
from showclear.service.clock import check_not_ahead

__all__ = ["CliState", "ExitCode", "err_console", "out_console", "state"]

out_console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


def default_db() -> str:
    return os.environ.get("SHOWCLEAR_DB") or "showclear.db"


def default_documents() -> Path | None:
    """$SHOWCLEAR_DOCUMENTS, where documents are kept when --documents is not given."""
    text = os.environ.get("SHOWCLEAR_DOCUMENTS")
    return Path(text) if text else None


def env_clock() -> Clock | None:
    """A clock fixed at $SHOWCLEAR_NOW (an RFC 3339 time), for tests and scripts; else None.

    Raises:
        BadRequest: SHOWCLEAR_NOW is set but is not a time with a zone, or is more than
            ``FUTURE_TOLERANCE`` ahead of this computer's clock.
    """
    text = os.environ.get("SHOWCLEAR_NOW")
    if not text:
        return None
    try:
        moment = read_time(text)
    except ValueError as e:
        detail = str(e) if "time zone" in str(e) else "it is not a time like 2026-11-25T08:00:00Z"
        raise BadRequest(f"SHOWCLEAR_NOW={text!r}: {detail}") from None
    return FixedClock(check_not_ahead(moment))


@dataclass
class CliState:
    """Global options, and the App built from them on first use."""

    db: str = field(default_factory=default_db)
    key_dir: Path | None = None
    production: str | None = None
    #: Where scans of paperwork are kept; None: beside a SQLite file (none for PostgreSQL).
    documents: Path | None = field(default_factory=default_documents)
    _app: App | None = None

    def app(self, *, create: bool = False) -> App:
        """The App for --db; only ``init`` may create a database that is not there yet."""
        if self._app is None:
            self._app = build_app(
                self.db,
                key_dir=self.key_dir,
                clock=env_clock(),
                create=create,
                documents=self.documents,
            )
        return self._app

    def slug(self) -> str:
        return self.app().resolve(self.production)

    def close(self) -> None:
        if self._app is not None:
            self._app.close()
            self._app = None


def state(ctx: typer.Context) -> CliState:
    """The CliState of this invocation."""
    obj = ctx.find_root().obj
    assert isinstance(obj, CliState)
    return obj
