"""Where productions' private checkpoint keys live: outside the database.

A copy of the database must not be able to forge checkpoints, so each key is a
file of its own (mode 0600) in a key directory, named after the key id. The
file holds the key in Go's sumdb note format.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Protocol

from showclear.ledger import Ed25519Signer, Ed25519Verifier
from showclear.service.errors import KeyFileError

__all__ = ["FileKeyring", "Keyring", "MemoryKeyring", "default_key_dir"]


def default_key_dir() -> Path:
    """``$SHOWCLEAR_KEY_DIR``, else ``$XDG_CONFIG_HOME/showclear/keys`` (~/.config/...)."""
    if env := os.environ.get("SHOWCLEAR_KEY_DIR"):
        return Path(env)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "showclear" / "keys"


class Keyring(Protocol):
    """Creates and finds the signing key of each production."""

    def create(self, origin: str) -> Ed25519Signer: ...
    def signer_for(self, verifier_key: str) -> Ed25519Signer: ...


class FileKeyring:
    """Keys as 0600 files in one directory."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or default_key_dir()
        self._loaded: dict[str, Ed25519Signer] = {}

    def _path(self, verifier: Ed25519Verifier) -> Path:
        safe = verifier.name.replace("/", "_").replace(":", "_")
        return self.directory / f"{safe}.{verifier.key_id.hex()}.key"

    def create(self, origin: str) -> Ed25519Signer:
        """Generate a key named ``origin`` and write it, readable by its owner only."""
        signer = Ed25519Signer.generate(origin)
        try:
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as e:
            raise KeyFileError(
                f"cannot use {self.directory} as the key directory: {e.strerror}"
            ) from e
        path = self._path(signer.verifier())
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as e:
            raise KeyFileError(f"cannot create the key file {path}: {e.strerror}") from e
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(signer.private_key_string() + "\n")
            f.flush()
            os.fsync(f.fileno())
        return signer

    def signer_for(self, verifier_key: str) -> Ed25519Signer:
        """Load the private key matching ``verifier_key``.

        Raises:
            KeyFileError: the file is missing, readable by others, or holds another key.
        """
        if verifier_key in self._loaded:
            return self._loaded[verifier_key]
        verifier = Ed25519Verifier.from_verifier_key(verifier_key)
        path = self._path(verifier)
        try:
            mode = path.stat().st_mode
            text = path.read_text(encoding="ascii")
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
        signer = Ed25519Signer.from_private_key_string(text.strip())
        if signer.verifier().verifier_key() != verifier_key:
            raise KeyFileError(f"the key file {path} holds a different key")
        self._loaded[verifier_key] = signer
        return signer


class MemoryKeyring:
    """Keys held in memory, for tests and throw-away demos."""

    def __init__(self) -> None:
        self._keys: dict[str, Ed25519Signer] = {}

    def create(self, origin: str) -> Ed25519Signer:
        signer = Ed25519Signer.generate(origin)
        self._keys[signer.verifier().verifier_key()] = signer
        return signer

    def signer_for(self, verifier_key: str) -> Ed25519Signer:
        try:
            return self._keys[verifier_key]
        except KeyError:
            raise KeyFileError(f"no key in memory for {verifier_key}") from None
