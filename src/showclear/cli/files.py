"""Writing a command's output file (a PDF, a bundle, a page) with a clear error, not a
traceback, when the folder is missing, not writable, or its disk is full."""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from showclear.service import BadRequest

__all__ = ["output_file", "write_output"]


def write_output(path: Path, data: bytes | str) -> None:
    """Write ``data`` to ``path``.

    Raises:
        BadRequest: the file cannot be written; the message says why and what to do.
    """
    try:
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)
    except OSError as e:
        raise _cannot_write(path, e) from e


@contextmanager
def output_file(path: Path) -> Iterator[BinaryIO]:
    """``path`` opened to write bytes as they come (bounded memory); if the body fails,
    the part written is removed, so no half a file is left behind.

    Raises:
        BadRequest: the file cannot be written; the message says why and what to do.
    """
    try:
        out = path.open("wb")
    except OSError as e:
        raise _cannot_write(path, e) from e
    try:
        with out:
            yield out
    except BaseException as e:
        path.unlink(missing_ok=True)
        if isinstance(e, OSError):
            raise _cannot_write(path, e) from e
        raise


def _cannot_write(path: Path, e: OSError) -> BadRequest:
    folder = path.parent
    if e.errno in (errno.ENOENT, errno.ENOTDIR) and not folder.is_dir():
        why = f"the folder {folder} does not exist; create it first, or choose another path"
    elif e.errno in (errno.ENOSPC, errno.EDQUOT):
        why = f"the disk of {folder} is full; free space there, or choose another path"
    else:
        why = f"{e.strerror}; choose another path"
    return BadRequest(f"cannot write {path}: {why}")
