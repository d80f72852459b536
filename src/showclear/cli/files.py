"""Writing a command's output file (a PDF, a bundle, a page) with a clear error, not a
traceback, when the folder is missing, not writable, or its disk is full."""

from __future__ import annotations

import errno
from pathlib import Path

from showclear.service import BadRequest

__all__ = ["write_output"]


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
        folder = path.parent
        if e.errno in (errno.ENOENT, errno.ENOTDIR) and not folder.is_dir():
            why = f"the folder {folder} does not exist; create it first, or choose another path"
        elif e.errno in (errno.ENOSPC, errno.EDQUOT):
            why = f"the disk of {folder} is full; free space there, or choose another path"
        else:
            why = f"{e.strerror}; choose another path"
        raise BadRequest(f"cannot write {path}: {why}") from e
