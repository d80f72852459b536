"""Where productions' private checkpoint keys live, and what each key last signed: outside
the database.

A copy of the database must not be able to forge checkpoints, so each key is a
file of its own (mode 0600) in a key directory, named after the key id. The
file holds the key in Go's sumdb note format.

Beside each key, ``<keyfile>.signed`` remembers the latest checkpoint the key signed
(its size and root hash), so that a database that lost acknowledged entries (a damaged
WAL, an older copy restored) is noticed before the key signs a different checkpoint at a
size it signed already: a production must never fork itself. The file holds::

    showclear signed-state v1
    confirmed <size> <base64 root>     the latest checkpoint known to be committed
    pending <size> <base64 root>       signed, its transaction not yet known committed

``pending`` is written (and synced) before the transaction holding the checkpoint
commits, ``confirmed`` right after it committed, before anyone is told. Every file is
written atomically: a temporary file, fsync, rename, fsync of the directory. The
``confirmed`` rewrite is the one exception: it is renamed into place but not synced, which
halves the syncs a group of commands waits for (issue 17). The operating system writes it
out within seconds; a power cut in those seconds leaves the file at the checkpoint before,
so for that one group the key would not notice a database that later lost it. The
database's own commit of that group is synced, and the witnesses hold its checkpoint, so
a database rolled back past it is still caught by ``verify --ask-witnesses``.

Several servers on one database (docs/deploy.md) each hold a copy of the key directory,
so each remembers what it signed: growth by another server extends that, and a pending
checkpoint the database does not hold never committed (``service.ledger.check_extends``).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import errno
import fcntl
import logging
import os
import stat
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from showclear.ledger import Ed25519Signer, Ed25519Verifier, NoteError
from showclear.service.errors import KeyFileError

__all__ = [
    "CheckpointSigner",
    "FileKeyring",
    "Keyring",
    "MemoryKeyring",
    "SignedMemory",
    "SignedState",
    "default_key_dir",
    "write_atomically",
]

_log = logging.getLogger("showclear.keys")

_HEADER = "showclear signed-state v1"
SIGNED_SUFFIX = ".signed"


def default_key_dir() -> Path:
    """``$SHOWCLEAR_KEY_DIR``, else ``$XDG_CONFIG_HOME/showclear/keys`` (~/.config/...)."""
    if env := os.environ.get("SHOWCLEAR_KEY_DIR"):
        return Path(env)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "showclear" / "keys"


@dataclass(frozen=True, slots=True)
class SignedState:
    """What a key signed last: the latest committed checkpoint and one maybe in flight."""

    confirmed: tuple[int, bytes] | None
    pending: tuple[int, bytes] | None = None


class SignedMemory(Protocol):
    """Remembers, outside the database, the latest checkpoint one key signed."""

    def load(self) -> SignedState | None:
        """The remembered state, or None if this key never signed with a memory."""
        ...

    def will_sign(self, state: SignedState) -> None:
        """Remember ``state`` durably before the checkpoint it announces is committed."""
        ...

    def committed(self, size: int, root: bytes) -> None:
        """The checkpoint at ``size`` with ``root`` is committed: it is now the confirmed one."""
        ...


class CheckpointSigner(Ed25519Signer):
    """A production's key together with the memory of what it signed last."""

    __slots__ = ("memory",)

    memory: SignedMemory

    @classmethod
    def with_memory(cls, signer: Ed25519Signer, memory: SignedMemory) -> CheckpointSigner:
        """``signer``'s key, remembering what it signs in ``memory``."""
        kept = cls.from_private_key_string(signer.private_key_string())
        assert isinstance(kept, cls)  # the classmethod builds a cls
        kept.memory = memory
        return kept


class Keyring(Protocol):
    """Creates and finds the signing key of each production, and what each last signed."""

    def create(self, origin: str) -> CheckpointSigner: ...
    def signer_for(self, verifier_key: str) -> CheckpointSigner: ...
    def last_signed(self, verifier_key: str) -> tuple[int, bytes] | None:
        """The size and root of the latest checkpoint this key signed and saw committed."""
        ...

    def discard(self, verifier_key: str) -> None:
        """Remove a key nothing was recorded with (a production whose creation failed)."""
        ...

    def import_key(self, private_key: str) -> CheckpointSigner:
        """Keep a production's key from its backup (``showclear promote --key``)."""
        ...


def write_atomically(path: Path, data: bytes, *, what: str, durable: bool = True) -> None:
    """Write ``data`` to ``path`` through a synced temporary file, then sync the directory.

    With ``durable=False`` the file is still replaced atomically (readers see the old or
    the new bytes, never a mix), but neither it nor the directory is synced.

    Raises:
        KeyFileError: the file cannot be written (a full disk says so); ``path`` is unchanged.
    """
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
        if durable:
            _sync_directory(path.parent)
    except OSError as e:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise _file_error(e, f"cannot write {what} {path}") from e


def _sync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


def _file_error(e: OSError, doing: str) -> KeyFileError:
    if e.errno in _FULL:
        return KeyFileError(
            f"{doing}: the disk is full ({e.strerror}); nothing was recorded. "
            "Free space on that disk and try again"
        )
    return KeyFileError(f"{doing}: {e.strerror}")


def _format_state(state: SignedState) -> str:
    lines = [_HEADER]
    for name, point in (("confirmed", state.confirmed), ("pending", state.pending)):
        if point is not None:
            lines.append(f"{name} {point[0]} {base64.b64encode(point[1]).decode()}")
    return "\n".join(lines) + "\n"


def _parse_state(text: str, path: Path) -> SignedState:
    lines = text.splitlines()
    points: dict[str, tuple[int, bytes]] = {}
    try:
        if not lines or lines[0] != _HEADER:
            raise ValueError("no header")
        for line in lines[1:]:
            name, size, root = line.split(" ")
            if name not in ("confirmed", "pending") or name in points:
                raise ValueError(name)
            points[name] = (int(size), base64.b64decode(root, validate=True))
    except (ValueError, binascii.Error):
        raise KeyFileError(
            f"the signed-state file {path} is damaged; restore it from the backup of the "
            "key directory (docs/operations.md), or remove it to sign again without "
            "the protection against a rolled-back database"
        ) from None
    return SignedState(points.get("confirmed"), points.get("pending"))


def _parse_private_key(text: str, what: str) -> Ed25519Signer:
    try:
        return Ed25519Signer.from_private_key_string(text.strip())
    except (NoteError, ValueError) as e:
        raise KeyFileError(
            f"{what} does not hold a showclear private key ({e}); give the file the key "
            "directory's backup holds for this production (its name ends in .key)"
        ) from e


class _FileMemory:
    """A key's signed state in ``<keyfile>.signed``, locked against other processes."""

    def __init__(self, key_path: Path) -> None:
        self.key_path = key_path
        self.path = key_path.with_name(key_path.name + SIGNED_SUFFIX)
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        # The key directory is the lock between processes (flock works on a directory).
        with self._lock:
            try:
                fd = os.open(self.path.parent, os.O_RDONLY)
            except OSError as e:
                raise _file_error(e, f"cannot open the key directory {self.path.parent}") from e
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                yield
            finally:
                os.close(fd)

    def _read(self) -> SignedState | None:
        try:
            text = self.path.read_text(encoding="ascii", errors="replace")
        except FileNotFoundError:
            return None
        except OSError as e:
            raise _file_error(e, f"cannot read the signed-state file {self.path}") from e
        return _parse_state(text, self.path)

    def load(self) -> SignedState | None:
        with self._locked():
            return self._read()

    def will_sign(self, state: SignedState) -> None:
        with self._locked():
            data = _format_state(state).encode("ascii")
            write_atomically(self.path, data, what="the signed-state file")

    def committed(self, size: int, root: bytes) -> None:
        with self._locked():
            state = self._read()
            if state is not None and state.pending != (size, root):
                return  # another writer signed since; its own confirmation follows
            data = _format_state(SignedState((size, root))).encode("ascii")
            # Not synced (see the module's docstring): a power cut in the next seconds
            # leaves the confirmed checkpoint before this one, never a damaged file.
            write_atomically(self.path, data, what="the signed-state file", durable=False)


class _InMemory:
    """A key's signed state in memory (MemoryKeyring)."""

    def __init__(self) -> None:
        self.state: SignedState | None = None

    def load(self) -> SignedState | None:
        return self.state

    def will_sign(self, state: SignedState) -> None:
        self.state = state

    def committed(self, size: int, root: bytes) -> None:
        if self.state is None or self.state.pending == (size, root):
            self.state = SignedState((size, root))


class FileKeyring:
    """Keys as 0600 files in one directory, each with its signed-state file beside it."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or default_key_dir()
        self._loaded: dict[str, CheckpointSigner] = {}

    def _path(self, verifier: Ed25519Verifier) -> Path:
        safe = verifier.name.replace("/", "_").replace(":", "_")
        return self.directory / f"{safe}.{verifier.key_id.hex()}.key"

    def create(self, origin: str) -> CheckpointSigner:
        """Generate a key named ``origin`` and write it atomically, readable by its owner only.

        Raises:
            KeyFileError: the directory or the file cannot be written (a full disk says
                so); no key file is left behind.
        """
        signer = Ed25519Signer.generate(origin)
        try:
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as e:
            raise _file_error(e, f"cannot use {self.directory} as the key directory") from e
        path = self._path(signer.verifier())
        if path.exists():
            raise KeyFileError(f"the key file {path} exists already")
        write_atomically(
            path, (signer.private_key_string() + "\n").encode("ascii"), what="the key file"
        )
        return CheckpointSigner.with_memory(signer, _FileMemory(path))

    def import_key(self, private_key: str) -> CheckpointSigner:
        """Write a production's key from its backup into this directory (0600), and load it.

        The key starts without a memory of what it signed: the first checkpoint it signs
        here starts one (``.signed``).

        Raises:
            KeyFileError: the text is not a showclear private key, another file is where
                it goes, or the directory cannot be written.
        """
        signer = _parse_private_key(private_key, "the key backup")
        verifier_key = signer.verifier().verifier_key()
        path = self._path(signer.verifier())
        if path.exists():
            return self.signer_for(verifier_key)  # refuses a file holding another key
        try:
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as e:
            raise _file_error(e, f"cannot use {self.directory} as the key directory") from e
        data = (signer.private_key_string() + "\n").encode("ascii")
        write_atomically(path, data, what="the key file")
        return self.signer_for(verifier_key)

    def discard(self, verifier_key: str) -> None:
        """Remove a key and its signed state (its production was never created)."""
        path = self._path(Ed25519Verifier.from_verifier_key(verifier_key))
        self._loaded.pop(verifier_key, None)
        for file in (path.with_name(path.name + SIGNED_SUFFIX), path):
            with contextlib.suppress(FileNotFoundError):
                file.unlink()

    def signer_for(self, verifier_key: str) -> CheckpointSigner:
        """Load the private key matching ``verifier_key``.

        Raises:
            KeyFileError: the file is missing, readable by others, or holds another key
                or no key at all.
        """
        if verifier_key in self._loaded:
            return self._loaded[verifier_key]
        verifier = Ed25519Verifier.from_verifier_key(verifier_key)
        path = self._path(verifier)
        try:
            mode = path.stat().st_mode
            text = path.read_text(encoding="ascii", errors="replace")
        except FileNotFoundError:
            raise KeyFileError(
                f"the private key for {verifier.name} is not at {path}; "
                "only the machine that created the production can append to it "
                "(set SHOWCLEAR_KEY_DIR or --key-dir to where the key is)"
            ) from None
        except OSError as e:
            raise KeyFileError(f"cannot read the key file {path}: {e.strerror}") from e
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise KeyFileError(
                f"the key file {path} can be read by other users; run: chmod 600 {path}"
            )
        try:
            signer = Ed25519Signer.from_private_key_string(text.strip())
        except (NoteError, ValueError) as e:
            raise KeyFileError(
                f"the key file {path} does not hold a showclear private key ({e}); "
                "restore it from the backup of the key directory (docs/operations.md)"
            ) from e
        if signer.verifier().verifier_key() != verifier_key:
            raise KeyFileError(f"the key file {path} holds a different key")
        kept = CheckpointSigner.with_memory(signer, _FileMemory(path))
        self._loaded[verifier_key] = kept
        return kept

    def last_signed(self, verifier_key: str) -> tuple[int, bytes] | None:
        """The size and root of the latest checkpoint the key signed and saw committed.

        None when the key never signed with a memory (a key directory from before
        showclear remembered, or a production's key not here).

        Raises:
            KeyFileError: the signed-state file cannot be read or is damaged.
        """
        path = self._path(Ed25519Verifier.from_verifier_key(verifier_key))
        memory = _FileMemory(path)
        try:
            text = memory.path.read_text(encoding="ascii", errors="replace")
        except FileNotFoundError:
            return None
        except OSError as e:
            raise _file_error(e, f"cannot read the signed-state file {memory.path}") from e
        return _parse_state(text, memory.path).confirmed


class MemoryKeyring:
    """Keys held in memory, for tests and throw-away demos."""

    def __init__(self) -> None:
        self._keys: dict[str, CheckpointSigner] = {}

    def create(self, origin: str) -> CheckpointSigner:
        signer = CheckpointSigner.with_memory(Ed25519Signer.generate(origin), _InMemory())
        self._keys[signer.verifier().verifier_key()] = signer
        return signer

    def signer_for(self, verifier_key: str) -> CheckpointSigner:
        try:
            return self._keys[verifier_key]
        except KeyError:
            raise KeyFileError(f"no key in memory for {verifier_key}") from None

    def last_signed(self, verifier_key: str) -> tuple[int, bytes] | None:
        signer = self._keys.get(verifier_key)
        state = signer.memory.load() if signer is not None else None
        return state.confirmed if state is not None else None

    def discard(self, verifier_key: str) -> None:
        self._keys.pop(verifier_key, None)

    def import_key(self, private_key: str) -> CheckpointSigner:
        signer = _parse_private_key(private_key, "the key backup")
        verifier_key = signer.verifier().verifier_key()
        if verifier_key not in self._keys:
            self._keys[verifier_key] = CheckpointSigner.with_memory(signer, _InMemory())
        return self._keys[verifier_key]

    def copy(self) -> MemoryKeyring:
        """The same keys, each with a memory of its own: what copying a key directory does
        (for tests that grow several copies of one database)."""
        copied = MemoryKeyring()
        for verifier_key, signer in self._keys.items():
            memory = _InMemory()
            memory.state = signer.memory.load()
            copied._keys[verifier_key] = CheckpointSigner.with_memory(signer, memory)
        return copied
