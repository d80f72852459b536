"""What every command shares: the global options, the App they build, exit codes.

:class:`ExitCode` lives in :mod:`showclear.errors`, next to the table of error kinds that
uses it; it is re-exported here for the commands.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from typer.core import TyperGroup

from showclear.errors import ExitCode
from showclear.protocol.time import read_time
from showclear.service import App, BadRequest, Clock, FixedClock, build_app
from showclear.service.clock import check_not_ahead

__all__ = [
    "GLOBAL_OPTIONS",
    "CliState",
    "ExitCode",
    "GlobalOptionsAnywhere",
    "err_console",
    "global_options_first",
    "out_console",
    "state",
]

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


#: The root command's options (``showclear --db ... COMMAND``); each takes one value.
GLOBAL_OPTIONS = frozenset({"--db", "--key-dir", "--production", "--documents"})


def _own_options(command: Any) -> tuple[set[str], set[str]]:
    """The option names ``command`` declares itself, and those of them that take a value."""
    names: set[str] = set()
    valued: set[str] = set()
    for param in getattr(command, "params", []):
        if getattr(param, "param_type_name", "") != "option":
            continue
        opts = {*param.opts, *param.secondary_opts}
        names |= opts
        if not getattr(param, "is_flag", False) and not getattr(param, "count", False):
            valued |= set(param.opts)
    return names, valued


def global_options_first(root: Any, args: list[str]) -> list[str]:
    """``args`` with the global options given after the subcommand moved in front of it.

    ``showclear verify --db x.db`` then means ``showclear --db x.db verify``. An option the
    subcommand declares itself (``init --production``, ``demo --db``) stays where it is and
    is the subcommand's; so do the values of the subcommand's options and everything after
    ``--``. Both ``--db x.db`` and ``--db=x.db`` are moved.
    """
    # 1. The leading global options, then the command path through the groups.
    i = 0
    while i < len(args) and args[i].startswith("-") and args[i] != "--":
        i += 2 if args[i] in GLOBAL_OPTIONS else 1
    start, command = i, root
    while i < len(args) and getattr(command, "commands", None) is not None:
        sub = command.commands.get(args[i])
        if sub is None:
            return args  # an unknown command: click says so with the words as typed
        command = sub
        i += 1
    if command is root:
        return args
    # 2. Every global option after the path that the command does not declare, moved.
    own, valued = _own_options(command)
    head, moved, rest = args[:i], list[str](), list[str]()
    j = i
    while j < len(args):
        word = args[j]
        name = word.partition("=")[0]
        if word == "--":
            rest += args[j:]
            break
        if name in GLOBAL_OPTIONS and name not in own:
            if "=" in word or j + 1 == len(args):
                moved.append(word)
                j += 1
            else:
                moved += args[j : j + 2]
                j += 2
            continue
        rest.append(word)
        if word in valued and j + 1 < len(args):
            rest.append(args[j + 1])  # a value, even one that looks like --db
            j += 1
        j += 1
    if not moved:
        return args
    return [*head[:start], *moved, *head[start:], *rest]


class GlobalOptionsAnywhere(TyperGroup):
    """The root command: global options are accepted before or after the subcommand."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return super().parse_args(ctx, global_options_first(self, args))
